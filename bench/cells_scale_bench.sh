#!/usr/bin/env bash
# Prediction per cell at the scale of a whole Xenium slide (#15): about 10^6 cells on 2 cores.
#  1. a SIDE x SIDE px synthetic WSI from the demo's real HER2ST tissue (0.69 µm/px,
#     bench/make_synthetic_wsi.py: tiled JPEG pyramid, read through OpenSlide);
#  2. stx nuclei on it: the cells;
#  3. a Xenium bundle of those cells (bench/make_synthetic_xenium.py --density-only: a 120-gene
#     panel, cells.parquet, the H&E's alignment matrix);
#  4. stx ingest (with the H&E) and stx score of the bundle;
#  5. a cell-scale model trained on a small synthetic section cut from the same slide, then
#     stx predict on the WSI alone at the detected centres: encode (builtin) + predict.
# Each stx step is timed with /usr/bin/time (wall s, peak RSS MB) into OUT/times.tsv, one run
# after the other with nothing else running. Goals: ingest + score <= 1 min, encode + predict
# <= 30 min, peak RSS <= 8 GB.
# Usage: bench/cells_scale_bench.sh OUT_DIR STX [SIDE_PX (24000)]
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd) stx=$(realpath "$2") side=${3:-24000}
repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
um=0.69
cell=(--patch-um 24 --patch-px 48 --threads 2)
echo -e "step\tseconds\tpeak_rss_mb\tcells" >"$out/times.tsv"
measure() {  # NAME COMMAND...: appends NAME, wall s, peak RSS MB
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/$name.log" 2>&1
  read -r seconds rss_kb <"$out/time.txt"
  echo -e "$name\t$seconds\t$((rss_kb / 1024))\t$(($(wc -l <"$out/nuclei.tsv") - 1))" >>"$out/times.tsv"
}
wsi=$out/wsi$side.tif
[[ -f $wsi ]] || $py "$repo/bench/make_synthetic_wsi.py" "$repo/demo/her2st/images" "$side" "$wsi"

measure nuclei "$stx" nuclei "$wsi" --um-per-px $um --threads 2 -o "$out/nuclei.tsv" --force
$py "$repo/bench/make_synthetic_xenium.py" "$wsi" $um "$out/nuclei.tsv" "$out/bundle" "$repo" --density-only
rm -f "$out/cells.h5ad"
measure ingest "$stx" ingest "$out/bundle" --image "$wsi" --alignment "$out/bundle/he_imagealignment.csv" \
  -o "$out/cells.h5ad"
rm -f "$out/scores.tsv"
measure score "$stx" score "$out/cells.h5ad" --tsv "$out/scores.tsv" --threads 2

# the model: a 1,400 px section of the same tissue, with its own cells and image-planted expression
section=$out/section
if [[ ! -f $out/model/model.pt ]]; then
  mkdir -p "$section"
  $py -c "from PIL import Image; Image.MAX_IMAGE_PIXELS = None; Image.open('$repo/demo/her2st/images/C3.jpg').crop((0, 0, 1400, 1400)).save('$section/he.png')"
  "$stx" nuclei "$section/he.png" --um-per-px $um -o "$section/nuclei.tsv" --force >/dev/null
  $py "$repo/bench/make_synthetic_xenium.py" "$section/he.png" $um "$section/nuclei.tsv" "$section/bundle" "$repo"
  "$stx" -q ingest "$section/bundle" --image "$section/bundle/he.png" \
    --alignment "$section/bundle/he_imagealignment.csv" -o "$section/cells.h5ad" --force
  "$stx" -q train "$section/cells.h5ad" "${cell[@]}" --epochs 60 --ensemble 1 --cache-dir "$out/train_cache" \
    -o "$out/model" >/dev/null
fi
rm -rf "$out/cache" "$out/predicted.h5ad"
measure predict "$stx" predict "$wsi" --cells "$out/nuclei.tsv" --um-per-px $um -m "$out/model/model.pt" \
  --cache-dir "$out/cache" --threads 2 -o "$out/predicted.h5ad"
cat "$out/times.tsv"
