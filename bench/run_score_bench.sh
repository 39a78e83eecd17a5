#!/usr/bin/env bash
# Pathway scoring, side by side in one run at the same thread count: R GSVA's ssgsea vs
# stx's ssgsea (and the other methods) on the 4,000 x 15,000 HER2ST benchmark matrix, plus
# spots/s at 100,000 spots and peak memory (max RSS) of each process.
# Usage: bench/run_score_bench.sh [THREADS]   (default 2; needs scripts/install-deps.sh --with-tests)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
dir=build/bench
bash scripts/build.sh -DSTX_BUILD_BENCH=ON >/dev/null
[[ -f $dir/score_4000x15000.h5ad ]] || /usr/bin/python3 bench/make_score_matrix.py ../shared/data "$dir"

echo "== R GSVA ssgsea ($threads threads)"
/usr/bin/time -f "peak RSS %M KB, wall %e s (whole R process incl. reading)" \
  Rscript bench/gsva_ssgsea.R "$dir" ../shared/data "$threads"

echo "== stx score --method ssgsea, end to end ($threads threads)"
/usr/bin/time -f "peak RSS %M KB, wall %e s (whole stx process incl. reading and writing)" \
  build/release/apps/stx/stx score "$dir/score_4000x15000.h5ad" --method ssgsea \
  --threads "$threads" --tsv "$dir/stx_ssgsea_scores.tsv" --force -q | grep -E "time"

echo "== stx scoring kernels (Google Benchmark, $threads threads)"
STX_BENCH_THREADS=$threads /usr/bin/time -f "peak RSS %M KB (benchmark process, incl. the 100k tiling)" \
  build/release/bench/score_bench "$dir" --benchmark_counters_tabular=true
