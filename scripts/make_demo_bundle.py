#!/usr/bin/env python3
"""Builds demo/her2st from the HER2ST data in ../shared/data (run once; the result is committed).

For each section with an H&E image (C2-C5, B4): the image is cropped to the spots' bounding box
plus a margin of one array pitch, and re-encoded as JPEG; the spot table's pixel_x/pixel_y
are shifted by the crop offset; the counts table is copied unchanged. Full resolution is
kept (~0.69 um/px), because patches are cut at a physical size later.

Usage: scripts/make_demo_bundle.py [--shared ../shared/data/her2st] [--out demo/her2st]
Needs python3-pil (scripts/install-deps.sh --with-tests installs it).
"""
import argparse
import csv
import pathlib
import shutil

from PIL import Image

Image.MAX_IMAGE_PIXELS = 200_000_000  # the HER2ST JPEGs are ~92 Mpx
SECTIONS = ["C2", "C3", "C4", "C5", "B4"]  # patient C, and B4 of patient B
MARGIN_PX = 300  # about one 200 um array pitch at 0.69 um/px
JPEG_QUALITY = 70


def bundle_section(src: pathlib.Path, out: pathlib.Path, section: str) -> None:
    with open(src / "spots" / f"{section}_selection.tsv", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    xs = [float(r["pixel_x"]) for r in rows]
    ys = [float(r["pixel_y"]) for r in rows]
    image = Image.open(src / "images" / f"{section}.jpg")
    left = max(0, int(min(xs)) - MARGIN_PX)
    top = max(0, int(min(ys)) - MARGIN_PX)
    right = min(image.width, int(max(xs)) + MARGIN_PX)
    bottom = min(image.height, int(max(ys)) + MARGIN_PX)
    image.crop((left, top, right, bottom)).save(
        out / "images" / f"{section}.jpg", quality=JPEG_QUALITY, optimize=True)

    with open(out / "spots" / f"{section}_selection.tsv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter="\t",
                                lineterminator="\n")
        writer.writeheader()
        for r in rows:
            r["pixel_x"] = f"{float(r['pixel_x']) - left:.2f}"
            r["pixel_y"] = f"{float(r['pixel_y']) - top:.2f}"
            writer.writerow(r)
    shutil.copyfile(src / "counts" / f"{section}.tsv.gz", out / "counts" / f"{section}.tsv.gz")
    print(f"{section}: crop x {left}..{right}, y {top}..{bottom} of {image.width} x {image.height}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--shared", type=pathlib.Path,
                        default=here.parent / "shared" / "data" / "her2st")
    parser.add_argument("--out", type=pathlib.Path, default=here / "demo" / "her2st")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated (default: all)")
    args = parser.parse_args()
    for sub in ("counts", "spots", "images"):
        (args.out / sub).mkdir(parents=True, exist_ok=True)
    for section in args.sections.split(","):
        bundle_section(args.shared, args.out, section)


if __name__ == "__main__":
    main()
