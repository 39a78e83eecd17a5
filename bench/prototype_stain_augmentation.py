#!/usr/bin/env python3
"""Prototype of stain (and resolution) augmentation for issue #27, before building it into stx:
HER2ST folders in which patient C's training sections C2-C5 come with altered copies, each a
section of patient C of its own, and B4 as given (as scanned, stain-shifted or at 3 um/px,
from bench/make_b4_variants.py). `stx evaluate <out>/<arm>/<b4>/her2st --sections
C2,...,<copies>,B4 --protocol patient --held-out B` then trains on C and its copies and tests B4.
Only the patient protocol is valid here: a copy of a held-out section would leak into training
under the section protocol.

  copies: --stain K   K copies per section, H and E amounts each scaled by U(0.7, 1.3) in
                      Ruifrok-Johnston HED space (seeded), the common HED-jitter range
          --res UM    one copy per section downscaled to UM um/px (spots scaled with it)

Usage: bench/prototype_stain_augmentation.py --out /tmp/aug --stain 2 [--res 2] [--variants /tmp/b4-variants]
Prints the --sections list to pass.
"""
import argparse
import pathlib
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_b4_variants import TRAIN, UM_PER_PX, link, shift_stain, write_spots  # noqa: E402

Image.MAX_IMAGE_PIXELS = 200_000_000


def add_copy(shared, root, section, name, image, scale):
    link(shared / "counts" / f"{section}.tsv.gz", root / "counts" / f"{name}.tsv.gz")
    write_spots(shared / "spots" / f"{section}_selection.tsv", root / "spots" / f"{name}_selection.tsv", scale)
    (root / "images").mkdir(parents=True, exist_ok=True)
    image.save(root / "images" / f"{name}.jpg", quality=90)


def main():
    here = pathlib.Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=pathlib.Path, default=here.parent / "shared" / "data" / "her2st")
    p.add_argument("--variants", type=pathlib.Path, default=pathlib.Path("/tmp/b4-variants"))
    p.add_argument("--out", type=pathlib.Path, required=True)
    p.add_argument("--stain", type=int, default=2)
    p.add_argument("--res", type=float, default=0)
    p.add_argument("--seed", type=int, default=27)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    copies, names = {}, []
    for s in TRAIN:
        rgb = Image.open(a.shared / "images" / f"{s}.jpg").convert("RGB")
        pixels = np.asarray(rgb)
        for k in range(a.stain):
            h, e = rng.uniform(0.7, 1.3, size=2)
            img = Image.fromarray(np.vstack([shift_stain(pixels[r:r + 512], h, e) for r in range(0, pixels.shape[0], 512)]))
            copies[f"{s}{k + 1}"] = (s, img, 1.0)
            print(f"{s}{k + 1}: {s} with H x {h:.2f}, E x {e:.2f}", file=sys.stderr)
        if a.res > 0:
            scale = UM_PER_PX / a.res
            copies[f"{s}9"] = (s, rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.LANCZOS), scale)
            print(f"{s}9: {s} at {a.res} um/px", file=sys.stderr)
    for variant in ("orig", "stain", "res3"):
        root = a.out / variant / "her2st"
        src = a.shared if variant == "orig" else a.variants / variant / "her2st"
        for s in TRAIN + ["B4"]:
            for sub, name in (("images", f"{s}.jpg"), ("spots", f"{s}_selection.tsv"), ("counts", f"{s}.tsv.gz")):
                link(src / sub / name, root / sub / name)
        for name, (s, img, scale) in copies.items():
            add_copy(a.shared, root, s, name, img, scale)
    print(",".join(TRAIN + list(copies) + ["B4"]))


if __name__ == "__main__":
    main()
