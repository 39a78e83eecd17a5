# Sourced by the whole-slide benches: with side, out and here set, and STX as $1, makes
# $wsi (a SIDE x SIDE px synthetic WSI from the demo's real tissue, bench/make_synthetic_wsi.py)
# and $model (a small model trained on the demo) unless they are there already.
mkdir -p "$out"
wsi=$out/wsi${side}.tif
[[ -f $wsi ]] || /usr/bin/python3 "$here/bench/make_synthetic_wsi.py" "$here/demo/her2st/images" "$side" "$wsi"
model=$out/model/model.pt
[[ -f $model ]] || "$1" -q train "$here/demo/her2st" --sections C2,C3,C4 --epochs 20 --ensemble 1 --threads 2 \
  --cache-dir "$out/train_cache" --out "$out/model" >/dev/null
