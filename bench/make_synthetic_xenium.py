"""A synthetic Xenium output bundle on a real H&E, with expression planted from the image, for
the cell-level round trip (tests/cli/synthetic_cells_test.py) and the 10^6-cell benchmark
(bench/cells_scale_bench.sh).

The cells are the given centres (e.g. stx nuclei's). Each cell's expression follows two image
properties computed here with numpy, independently of stx: the local nuclear density (cells
within 25 µm) and the eosin around the cell (the mean of Ruifrok's eosin channel within 6 µm).
Genes of five Hallmarks rise with density (E2F targets, G2M checkpoint, MYC targets v1) or with
eosin (EMT, coagulation); the panel's other genes (five more Hallmarks) carry noise only.
Counts are Poisson around a log-normal library size, so depth varies on its own.

Written: cell_feature_matrix.h5 (10x layout), cells.parquet (hyparquet-writer; with --csv,
cells.csv.gz instead), experiment.xenium (pixel_size 0.2125 µm), he_imagealignment.csv (the
H&E's pixels to morphology pixels: a pure scale), he.<ext> (a link to the image), truth.tsv
(each cell's planted density and eosin z-scores).

Usage: make_synthetic_xenium.py IMAGE UM_PER_PX CENTRES.tsv OUT_DIR REPO_DIR [--csv] [--seed N]
       [--density-only]  (no image read: the eosin factor is noise; for slides numpy cannot hold)
"""
import argparse
import gzip
import json
import os
import pathlib
import subprocess

import h5py
import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
from PIL import Image
from scipy.spatial import cKDTree

PIXEL_SIZE = 0.2125
DENSITY_SETS = ["HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT", "HALLMARK_MYC_TARGETS_V1"]
EOSIN_SETS = ["HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION", "HALLMARK_COAGULATION"]
NOISE_SETS = ["HALLMARK_INTERFERON_ALPHA_RESPONSE", "HALLMARK_HYPOXIA", "HALLMARK_APOPTOSIS",
              "HALLMARK_PEROXISOME", "HALLMARK_PANCREAS_BETA_CELLS"]
GENES_PER_SET = 12

parser = argparse.ArgumentParser()
parser.add_argument("image")
parser.add_argument("um_per_px", type=float)
parser.add_argument("centres")
parser.add_argument("out")
parser.add_argument("repo")
parser.add_argument("--csv", action="store_true")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--density-only", action="store_true")
args = parser.parse_args()
out, repo = pathlib.Path(args.out), pathlib.Path(args.repo)
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(args.seed)

# the centres (stx nuclei's table: x, y in pixels)
with open(args.centres) as f:
    header = f.readline().rstrip("\n").split("\t")
columns = np.loadtxt(args.centres, delimiter="\t", skiprows=1, usecols=(header.index("x"), header.index("y")), ndmin=2)
x_px, y_px = columns[:, 0], columns[:, 1]
n = len(x_px)

def eosin_around(image, x_px, y_px, um_per_px):
    """The mean Ruifrok eosin within a 12 µm box around each cell."""
    Image.MAX_IMAGE_PIXELS = None
    rgb = np.asarray(Image.open(image).convert("RGB"), dtype=np.float32)
    od = -np.log10((rgb + 1) / 256)
    vectors = np.array([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    eosin = (od.reshape(-1, 3) @ np.linalg.inv(vectors))[:, 1].reshape(rgb.shape[:2]).astype(np.float32)
    eosin = ndi.uniform_filter(eosin, size=max(1, int(round(12 / um_per_px))), mode="nearest")
    rows = np.clip(np.round(y_px - 0.5).astype(int), 0, eosin.shape[0] - 1)
    cols = np.clip(np.round(x_px - 0.5).astype(int), 0, eosin.shape[1] - 1)
    return eosin[rows, cols]


z = lambda v: (v - v.mean()) / (v.std() + 1e-12)
tree = cKDTree(np.stack([x_px, y_px], axis=1) * args.um_per_px)
density = tree.query_ball_point(tree.data, r=25.0, return_length=True).astype(float)
z_density = z(np.log1p(density))
# --density-only (the benchmark's gigapixel slide, which numpy cannot hold): a second factor of noise
z_eosin = rng.normal(size=n) if args.density_only else z(eosin_around(args.image, x_px, y_px, args.um_per_px))

# the panel and its rates
gmt = {}
for line in open(repo / "data" / "genesets" / "h.all.v7.0.symbols.gmt"):
    name, _, *genes = line.rstrip("\n").split("\t")
    gmt[name] = genes
genes, effect = [], []
for sets, kind in ((DENSITY_SETS, "density"), (EOSIN_SETS, "eosin"), (NOISE_SETS, "noise")):
    for s in sets:
        for g in [g for g in gmt[s] if g not in genes][:GENES_PER_SET]:
            genes.append(g)
            effect.append(kind)
effect = np.array(effect)
base = rng.normal(0.0, 0.5, len(genes))
pieces = []
for start in range(0, n, 100_000):  # in chunks: 10^6 cells x 120 genes of rates would be 1 GB
    stop = min(n, start + 100_000)
    log_rate = base + rng.normal(0.0, 0.3, (stop - start, len(genes)))  # per cell and gene
    log_rate[:, effect == "density"] += 0.9 * z_density[start:stop, None]
    log_rate[:, effect == "eosin"] += 0.9 * z_eosin[start:stop, None]
    share = np.exp(log_rate - log_rate.max(axis=1, keepdims=True))
    share /= share.sum(axis=1, keepdims=True)
    library = rng.lognormal(np.log(150), 0.35, stop - start)
    pieces.append(sp.csr_matrix(rng.poisson(share * library[:, None]).astype(np.int32)))
counts = sp.vstack(pieces).tocsr()
del pieces

ids = [f"cell{i:07d}-1" for i in range(n)]
csc = counts.T.tocsc()  # 10x stores genes x cells, column-compressed by cell
with h5py.File(out / "cell_feature_matrix.h5", "w") as f:
    m = f.create_group("matrix")
    m["barcodes"] = np.array([c.encode() for c in ids])
    m["data"], m["indices"], m["indptr"] = csc.data, csc.indices.astype(np.int64), csc.indptr.astype(np.int64)
    m["shape"] = np.array([len(genes), n], dtype=np.int32)
    feats = m.create_group("features")
    feats["id"] = np.array([f"ENSG{i:05d}".encode() for i in range(len(genes))])
    feats["name"] = np.array([g.encode() for g in genes])
    feats["feature_type"] = np.array([b"Gene Expression"] * len(genes))
    feats["genome"] = np.array([b"GRCh38"] * len(genes))
x_um, y_um = x_px * args.um_per_px, y_px * args.um_per_px
if args.csv:
    with gzip.open(out / "cells.csv.gz", "wt", compresslevel=3) as f:
        f.write('"cell_id","x_centroid","y_centroid","transcript_counts"\n')
        totals = np.asarray(counts.sum(axis=1)).ravel()
        f.writelines(f'"{c}",{x:.4f},{y:.4f},{t}\n' for c, x, y, t in zip(ids, x_um, y_um, totals))
else:
    table = {"columns": [{"name": "cell_id", "type": "STRING", "data": ids},
                         {"name": "x_centroid", "type": "DOUBLE", "data": x_um.tolist()},
                         {"name": "y_centroid", "type": "DOUBLE", "data": y_um.tolist()}],
             "codec": "SNAPPY"}
    subprocess.run(["node", "--max-old-space-size=8192", str(repo / "tests" / "parquet" / "write_table.mjs"),
                    str(out / "cells.parquet")], input=json.dumps(table), text=True, check=True)
(out / "experiment.xenium").write_text(json.dumps({"pixel_size": PIXEL_SIZE, "panel_name": "synthetic",
                                                    "run_name": "make_synthetic_xenium"}))
s = args.um_per_px / PIXEL_SIZE  # H&E px -> morphology px
np.savetxt(out / "he_imagealignment.csv", np.array([[s, 0, 0], [0, s, 0], [0, 0, 1]]), delimiter=",", fmt="%.17g")
link = out / ("he" + pathlib.Path(args.image).suffix)
if link.exists() or link.is_symlink():
    link.unlink()
os.symlink(os.path.abspath(args.image), link)
with open(out / "truth.tsv", "w") as f:
    f.write("cell_id\tx_px\ty_px\tdensity_z\teosin_z\n")
    f.writelines(f"{c}\t{x:.3f}\t{y:.3f}\t{d:.5f}\t{e:.5f}\n" for c, x, y, d, e in zip(ids, x_px, y_px, z_density, z_eosin))
print(f"{out}: {n} cells x {len(genes)} genes ({counts.nnz} non-zero counts)")
