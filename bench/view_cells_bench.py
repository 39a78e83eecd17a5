#!/usr/bin/env python3
"""`stx view` with 10^6 cells: a synthetic prediction .h5ad of N cells scattered over a whole-slide
image (50 pathways and G genes, smooth random fields), written by anndata with the image
recorded as stx records it; times `stx view` (/usr/bin/time: wall s, peak RSS) and then, in
headless Chromium (tests/cli/chromium_cdp.py), the page: from opening to the first pathway
drawn, and from typing another into the search box to it drawn.

Usage: bench/view_cells_bench.py STX WSI UM_PER_PX OUT_DIR [--cells 1000000] [--genes 50]
Needs python3-anndata and python3-websocket (scripts/install-deps.sh --with-tests)."""
import argparse
import pathlib
import subprocess
import sys
import time

import anndata
import numpy as np
import scipy.sparse as sp
from PIL import Image

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "cli"))
from chromium_cdp import Page  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("stx")
ap.add_argument("wsi", type=pathlib.Path)
ap.add_argument("um_per_px", type=float)
ap.add_argument("out", type=pathlib.Path)
ap.add_argument("--cells", type=int, default=1_000_000)
ap.add_argument("--genes", type=int, default=50)
a = ap.parse_args()
a.out.mkdir(parents=True, exist_ok=True)
Image.MAX_IMAGE_PIXELS = None
with Image.open(a.wsi) as im:
    width, height = im.size
rng = np.random.default_rng(0)
xy = rng.random((a.cells, 2)) * [width, height]


def field(k):  # a smooth random map over the slide
    f = rng.normal(size=(4, 2)) * 3
    return np.sin(xy[:, 0] / width * f[0, 0] + xy[:, 1] / height * f[0, 1]) + 0.5 * np.cos(xy[:, 0] / width * f[1, 0] * 2 - k)


h5ad = a.out / f"cells{a.cells}.h5ad"
ad = anndata.AnnData(X=sp.csr_matrix(np.column_stack([field(g) for g in range(a.genes)]).astype(np.float32).clip(0)))
ad.obs_names = [f"cell{i}" for i in range(a.cells)]
ad.var_names = [f"G{g}" for g in range(a.genes)]
ad.obsm["spatial"] = xy
ad.obsm["pathway_activity"] = np.column_stack([field(50 + p) for p in range(50)]).astype(np.float32)
ad.uns["pathway_names"] = np.array([f"HALLMARK_P{p}" for p in range(50)], dtype=object)
ad.uns["pathway_method"] = "synthetic"
ad.uns["stx_model"] = "synthetic"
ad.uns["stx_X"] = "synthetic genes"
ad.uns["stx"] = {"image_path": str(a.wsi.resolve()), "um_per_px": a.um_per_px, "name": "cells"}
ad.write_h5ad(h5ad)

view = a.out / "view_cells"
subprocess.run(["rm", "-rf", str(view)], check=True)
subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(a.out / "time.txt"), a.stx, "view", str(h5ad), "-o", str(view),
                "--threads", "2"], check=True, stdout=subprocess.DEVNULL)
seconds, rss = (a.out / "time.txt").read_text().split()
size = sum(p.stat().st_size for p in view.rglob("*") if p.is_file()) / 2**20
print(f"stx view: {a.cells} cells, {50 + a.genes} layers: {float(seconds):.1f} s, {int(rss) / 1024:.0f} MB peak, "
      f"{size:.0f} MB on disk")

page = Page(1400, 900)
try:
    start = time.time()
    page.send("Page.navigate", url=(view / "index.html").as_uri() + "#pathway=P3")
    ready = page.wait_for("document.body && document.body.dataset.ready === '1'", seconds=300)
    opened = time.time() - start
    page.evaluate("document.getElementById('search').focus()")
    start = time.time()
    page.type("P17")
    page.press_enter()
    picked = page.wait_for("location.hash.includes('pathway=P17') && document.body.dataset.ready === '1'", seconds=300)
    switched = time.time() - start
    page.screenshot().save(a.out / "view_cells.png")
    print(f"Chromium: opened and drew P3 in {opened:.1f} s (ready: {ready}); typed P17 and drew it in {switched:.1f} s "
          f"(ready: {picked}); screenshot {a.out / 'view_cells.png'}")
finally:
    page.close()
