#!/usr/bin/env python3
"""Builds HER2ST dataset folders in which section B4 (patient B) is altered, for the
cross-patient robustness check of docs/model.md: train on patient C (C2-C5), test on B4.

  <out>/stain/her2st   B4 with its stains shifted: the H&E is split into hematoxylin, eosin and
                       residual optical densities (Ruifrok & Johnston's HED vectors), H is
                       scaled by 0.75, E by 1.3, and the image is re-rendered (a different
                       lab's staining; the stain-augmentation literature's jitter range).
  <out>/res3/her2st    B4 downscaled to ~3 um/px (a Space Ranger hires image's resolution).
  <out>/res1.5/her2st  B4 downscaled to ~1.5 um/px.

C2-C5 (images, spots, counts) and B4's counts are symbolic links to the originals. Pixel
coordinates are scaled with the image, so stx reads the new um/px from the spot pitch.
Usage: bench/make_b4_variants.py [--shared ../shared/data/her2st] [--out /tmp/b4-variants]
Needs python3-pil and python3-numpy (scripts/install-deps.sh --with-tests).
"""
import argparse
import csv
import pathlib

import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = 200_000_000
TRAIN = ["C2", "C3", "C4", "C5"]
UM_PER_PX = 0.69  # HER2ST full resolution (~290 px per 200 um array pitch)
# Ruifrok & Johnston (2001) stain optical densities (rows: hematoxylin, eosin, DAB).
HED = np.array([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]], dtype=np.float32)
HED /= np.linalg.norm(HED, axis=1, keepdims=True)


def shift_stain(rgb: np.ndarray, h_scale: float, e_scale: float) -> np.ndarray:
    od = -np.log(np.maximum(rgb.astype(np.float32), 1.0) / 255.0)  # (rows, cols, 3)
    conc = od.reshape(-1, 3) @ np.linalg.inv(HED)                     # (pixels, 3): H, E, D
    conc[:, 0] *= h_scale
    conc[:, 1] *= e_scale
    out = np.exp(-(conc @ HED)) * 255.0
    return np.clip(out, 0, 255).reshape(rgb.shape).astype(np.uint8)


def link(src: pathlib.Path, dst: pathlib.Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_symlink() or dst.exists():
        dst.unlink()
    dst.symlink_to(src.resolve())


def write_spots(src: pathlib.Path, dst: pathlib.Path, scale: float) -> None:
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for r in rows:
            r["pixel_x"] = f"{float(r['pixel_x']) * scale:.2f}"
            r["pixel_y"] = f"{float(r['pixel_y']) * scale:.2f}"
            writer.writerow(r)


def variant(shared: pathlib.Path, root: pathlib.Path, image: Image.Image, scale: float) -> None:
    for s in TRAIN:
        for sub, name in (("images", f"{s}.jpg"), ("spots", f"{s}_selection.tsv"), ("counts", f"{s}.tsv.gz")):
            link(shared / sub / name, root / sub / name)
    link(shared / "counts" / "B4.tsv.gz", root / "counts" / "B4.tsv.gz")
    write_spots(shared / "spots" / "B4_selection.tsv", root / "spots" / "B4_selection.tsv", scale)
    (root / "images").mkdir(parents=True, exist_ok=True)
    image.save(root / "images" / "B4.jpg", quality=90)
    print(f"{root}: B4 {image.width} x {image.height} px (~{UM_PER_PX / scale:.2f} um/px)")


def main() -> None:
    here = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=here.parent / "shared" / "data" / "her2st")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("/tmp/b4-variants"))
    args = parser.parse_args()
    b4 = Image.open(args.shared / "images" / "B4.jpg").convert("RGB")
    pixels = np.asarray(b4)
    shifted = np.vstack([shift_stain(pixels[r:r + 512], 0.75, 1.3) for r in range(0, pixels.shape[0], 512)])
    variant(args.shared, args.out / "stain" / "her2st", Image.fromarray(shifted), 1.0)
    for um in (3.0, 1.5):
        scale = UM_PER_PX / um
        small = b4.resize((round(b4.width * scale), round(b4.height * scale)), Image.LANCZOS)
        variant(args.shared, args.out / f"res{um:g}" / "her2st", small, scale)


if __name__ == "__main__":
    main()
