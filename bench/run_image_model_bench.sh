#!/usr/bin/env bash
# ViT-B/16 or Swin-T forward, side by side in one run at the same thread count: torchvision in
# Python vs stx's native model in C++, same seeded weights (read from torch.save's .pth) and
# the same input batch.
# Usage: bench/run_image_model_bench.sh [vit|swin] [THREADS] [BATCH]   (default vit, 2, 8)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-vit}
threads=${2:-2}
batch=${3:-8}
reference=$([ "$model" = swin ] && echo swin_t || echo vit_b_16)
dir=build/bench/$model
bash scripts/build.sh -DSTX_BUILD_BENCH=ON >/dev/null
/usr/bin/python3 bench/image_model_reference.py "$reference" "$dir" "$threads" "$batch"
STX_BENCH_THREADS=$threads build/release/bench/image_model_bench "$model" "$dir/$reference" "$batch" \
  --benchmark_counters_tabular=true
