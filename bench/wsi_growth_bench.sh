#!/usr/bin/env bash
# How whole-slide prediction grows with the slide: the same binary on a synthetic WSI of
# 12,650 px and one of 40,000 px (10x the area) at a 45 µm pitch, about 10^4 and 10^5
# pseudo-spots, one after the other in one run (bench/wsi_predict_bench.sh each). Prints both
# rows and the ratios of spots, time and peak RSS; the goal is time <= 1.05 x the spots' ratio.
# Usage: bench/wsi_growth_bench.sh OUT_DIR STX
set -euo pipefail
out=$1 stx=$2
here=$(cd "$(dirname "$0")" && pwd)
small=$("$here/wsi_predict_bench.sh" 12650 45 "$out" "$stx" | tail -1)
large=$("$here/wsi_predict_bench.sh" 40000 45 "$out" "$stx")
echo "$large" | head -1
echo "$small"
echo "$large" | tail -1
/usr/bin/python3 - "$small" "$(echo "$large" | tail -1)" <<'PY'
import sys
small, large = (line.split("\t") for line in sys.argv[1:3])
spots, seconds, rss = (float(large[i]) / float(small[i]) for i in (3, 4, 6))
print(f"ratio 10^4 -> 10^5: spots {spots:.2f}x, time {seconds:.2f}x ({seconds / spots:.3f} of the spots' ratio), "
      f"peak RSS {rss:.2f}x")
PY
