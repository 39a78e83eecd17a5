"""A synthetic whole-slide image from real tissue, for bench/wsi_predict_bench.sh: the demo's
HER2ST H&E images tiled (each flipped or not, so that neighbours differ) over a SIDE x SIDE
canvas, written as a tiled, JPEG-compressed, two-level pyramidal TIFF (level 1 at 1/8), the
layout OpenSlide's generic-tiff backend reads as a slide. Needs python3-pil and libtiff-tools.

Usage: make_synthetic_wsi.py DEMO_IMAGES_DIR SIDE OUT.tif
"""
import pathlib
import subprocess
import sys
import tempfile

from PIL import Image

Image.MAX_IMAGE_PIXELS = None
images_dir, side, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
tiles = [Image.open(p).convert("RGB") for p in sorted(images_dir.glob("*.jpg"))]
canvas = Image.new("RGB", (side, side), (255, 255, 255))
y, row = 0, 0
while y < side:
    x, k, height = 0, row, 0
    while x < side:
        tile = tiles[k % len(tiles)]
        if (k + row) % 2:
            tile = tile.transpose(Image.FLIP_LEFT_RIGHT)
        canvas.paste(tile, (x, y))
        x, k, height = x + tile.width, k + 1, max(height, tile.height)
    y, row = y + height, row + 1
with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
    level0, level1 = pathlib.Path(tmp) / "l0.tif", pathlib.Path(tmp) / "l1.tif"
    # JPEG strips keep level 0 under the classic TIFF 4 GB limit at >= 40,000 px; tiffcp re-tiles it.
    canvas.save(level0, compression="jpeg", quality=95, strip_size=16 * 3 * side)
    canvas.resize((side // 8, side // 8), Image.BOX).save(level1)
    del canvas
    subprocess.run(["tiffcp", "-m", "0", "-t", "-w", "512", "-l", "512", "-c", "jpeg:90", str(level0), str(level1), str(out)],
                   check=True)
# OpenSlide counts a directory as a level only with the "reduced resolution" bit set.
subprocess.run(["tiffset", "-d", "1", "-s", "254", "1", str(out)], check=True)
print(f"{out}: {side} x {side} px, {out.stat().st_size / 1e6:.0f} MB")
