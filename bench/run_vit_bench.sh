#!/usr/bin/env bash
# ViT-B/16 forward, side by side in one run at the same thread count: torchvision's vit_b_16
# in Python vs stx's native ViT in C++, same seeded weights and the same input batch.
# Usage: bench/run_vit_bench.sh [THREADS] [BATCH]   (default 2 threads, batch 8)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
batch=${2:-8}
dir=build/bench/vit
bash scripts/build.sh -DSTX_BUILD_BENCH=ON >/dev/null
/usr/bin/python3 bench/vit_b16_reference.py "$dir" "$threads" "$batch"
STX_BENCH_THREADS=$threads build/release/bench/vit_bench "$dir" "$batch" --benchmark_counters_tabular=true
