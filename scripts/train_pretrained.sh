#!/usr/bin/env bash
# Rebuilds the shipped model models/her2st-builtin/ (model.pt, its card README.md and
# card.json) from the demo bundle in this repository, with the defaults of this stx:
#   1. stx train on every imaged section (B4, C2-C5: patients B and C), 2 threads
#   2. stx evaluate by patient on the same sections, for the card's accuracy table
#   3. scripts/write_model_card.py writes the card from those two runs (no typed numbers)
# Deterministic: on one machine, two runs give the same model.pt byte for byte (training
# fixes its seeds; the thread count is fixed here because float sums depend on it). Another
# CPU may differ in the last bits. Needs a built stx (scripts/build.sh) and python3.
# Usage: scripts/train_pretrained.sh [STX]   (about 3 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
stx=${1:-build/release/apps/stx/stx}
name=her2st-builtin
sections=B4,C2,C3,C4,C5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$stx" train demo/her2st --sections "$sections" --threads 2 --cache-dir "$work/cache" --out "$work/train" -q \
  | tee "$work/train.txt"
evaluate=(evaluate demo/her2st --sections "$sections" --protocol patient --threads 2)
"$stx" "${evaluate[@]}" --cache-dir "$work/cache" -o "$work/evaluate" -q
mkdir -p "models/$name"
cp "$work/train/model.pt" "models/$name/model.pt.tmp"
mv "models/$name/model.pt.tmp" "models/$name/model.pt"
python3 scripts/write_model_card.py --stx "$stx" --name "$name" --train-log "$work/train.txt" \
  --evaluate "$work/evaluate" --evaluate-command "stx ${evaluate[*]} -o RUN" \
  --train-command "stx train demo/her2st --sections $sections --threads 2 --out RUN" --out "models/$name"
echo "Wrote models/$name/model.pt, README.md and card.json"
