#!/usr/bin/env bash
# Whole-slide prediction from the image alone: builds a SIDE x SIDE px synthetic WSI from the
# demo's real tissue (bench/make_synthetic_wsi.py: tiled JPEG, two-level pyramid, read through
# OpenSlide), trains a small model on the demo if none is given, then times `stx predict` on
# it at 0.5 µm/px and a pseudo-spot pitch of PITCH µm with /usr/bin/time: pseudo-spots,
# spots/s, wall time and peak RSS. Give several binaries to compare them side by side in one
# run (each with a fresh feature cache).
# Usage: bench/wsi_predict_bench.sh SIDE PITCH_UM OUT_DIR STX [STX...]
set -euo pipefail
side=$1 pitch=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/bench/synthetic_wsi_setup.sh"
echo "binary	side_px	pitch_um	spots	seconds	spots_per_s	peak_rss_mb"
for stx in "$@"; do
  rm -rf "$out/cache" "$out/pred.h5ad"
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$stx" -q predict "$wsi" --um-per-px 0.5 --pitch-um "$pitch" -m "$model" \
    -o "$out/pred.h5ad" --cache-dir "$out/cache" --threads 2 >/dev/null
  read -r seconds rss_kb <"$out/time.txt"
  spots=$(/usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1])['obs/_index'].shape[0])" "$out/pred.h5ad")
  /usr/bin/python3 -c "import sys; s,t,r=int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'{sys.argv[1]}\t$side\t$pitch\t{s}\t{t:.1f}\t{s/t:.1f}\t{r/1024:.0f}')" \
    "$stx" "$spots" "$seconds" "$rss_kb"
done
