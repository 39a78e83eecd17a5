#!/usr/bin/env bash
# stx view on a whole slide: builds a SIDE x SIDE px synthetic WSI from the demo's real tissue
# (bench/make_synthetic_wsi.py: tiled JPEG, two-level pyramid, read through OpenSlide), predicts
# it from the image alone on pseudo-spots PITCH µm apart with a small model trained on the demo,
# then times `stx view` on the prediction with /usr/bin/time: tiles, levels, wall time, peak
# RSS, the folder's size. Give several binaries to compare them side by side in one run.
# Usage: bench/view_bench.sh SIDE PITCH_UM OUT_DIR STX [STX...]
set -euo pipefail
side=$1 pitch=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/bench/synthetic_wsi_setup.sh"
pred=$out/pred${side}_${pitch}.h5ad
[[ -f $pred ]] || "$1" -q predict "$wsi" --um-per-px 0.5 --pitch-um "$pitch" -m "$model" -o "$pred" \
  --cache-dir "$out/cache" --threads 2 >/dev/null
echo "binary	side_px	spots	layers	tiles	levels	seconds	peak_rss_mb	folder_mb"
for stx in "$@"; do
  rm -rf "$out/view"
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$stx" view "$pred" -o "$out/view" --threads 2 >"$out/view.txt"
  read -r seconds rss_kb <"$out/time.txt"
  /usr/bin/python3 - "$stx" "$side" "$out/view" "$seconds" "$rss_kb" <<'PY'
import json, pathlib, sys
stx, side, view, seconds, rss = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
text = (view / "data.js").read_text()
m = json.loads(text[len("window.STX_VIEW = "):-2])
levels = sorted(int(p.name) for p in (view / "slide_files").iterdir())
tiles = sum(1 for _ in (view / "slide_files").rglob("*.jpg"))
size = sum(p.stat().st_size for p in view.rglob("*") if p.is_file()) / 2**20
print(f"{stx}\t{side}\t{m['spots']}\t{len(m['layers'])}\t{tiles}\t{len(levels)}\t{seconds:.1f}\t{rss / 1024:.0f}\t{size:.0f}")
PY
done
