"""The cell-level round trip on a synthetic Xenium slide with a real H&E (#15), end to end:

1. two neighbouring 250 x 500 µm halves of the HER2ST H&E C2 (0.69 µm/px) are two "sections";
   stx nuclei finds their cells, and bench/make_synthetic_xenium.py (numpy, independent of stx)
   writes a Xenium bundle for each with expression planted from the image: five Hallmarks
   follow the local nuclear density or the eosin, five carry noise;
2. stx ingest reads each bundle with its H&E and alignment matrix: the cells must sit at the
   detector's centres;
3. stx evaluate holds each section out in turn: QuadFlow against the mean, library-size and
   ridge baselines on the same cell-scale features, over the planted pathways. The planted
   signal must be learnt (r > 0.3 for QuadFlow and ridge); the numbers are printed for the note;
4. stx train on the left section, then stx predict on the right half's H&E alone with
   --detect-nuclei: the nuclei table it writes equals stx nuclei's, and its pathway activities
   follow the right section's scores (stx score) on the planted pathways (r > 0.3);
5. --map-zoom draws every pathway over a 100 µm window; a window without cells is one line.

Usage: synthetic_cells_test.py STX SHARED_DATA_DIR REPO_DIR
"""
import csv
import pathlib
import subprocess
import sys
import tempfile

import anndata
import numpy as np
from PIL import Image
from scipy.spatial import cKDTree

stx, shared, repo = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
UM_PER_PX = 0.69
PLANTED = ["HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT", "HALLMARK_MYC_TARGETS_V1",
           "HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION", "HALLMARK_COAGULATION"]
cell_scale = ["--patch-um", "24", "--patch-px", "48", "--threads", "2"]
passed = 0


def run(*args):
    done = subprocess.run([stx, *map(str, args)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"stx {' '.join(map(str, args))}: exit {done.returncode}\n{done.stderr}"
    return done


def centres(path):
    return np.loadtxt(path, delimiter="\t", skiprows=1, usecols=(1, 2), ndmin=2)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    cache = ["--cache-dir", tmp / "cache"]
    Image.MAX_IMAGE_PIXELS = None
    he = Image.open(shared / "her2st" / "images" / "C2.jpg").crop((7040, 6080, 7760, 6800))
    slides = {}
    for side, box, seed in (("left", (0, 0, 360, 720), 1), ("right", (360, 0, 720, 720), 2)):
        he.crop(box).save(tmp / f"{side}.png")
        run("nuclei", tmp / f"{side}.png", "--um-per-px", UM_PER_PX, "--threads", "2", "-o", tmp / f"{side}.tsv")
        subprocess.run([sys.executable, repo / "bench" / "make_synthetic_xenium.py", tmp / f"{side}.png",
                        str(UM_PER_PX), tmp / f"{side}.tsv", tmp / side, repo, "--seed", str(seed)], check=True,
                       capture_output=True, timeout=300)
        run("ingest", tmp / side, "--image", tmp / side / "he.png", "--alignment", tmp / side / "he_imagealignment.csv",
            "-o", tmp / f"{side}.h5ad")
        a = anndata.read_h5ad(tmp / f"{side}.h5ad")
        assert np.allclose(a.obsm["spatial"], centres(tmp / f"{side}.tsv"), rtol=0, atol=1e-3)
        assert abs(float(a.uns["stx"]["um_per_px"]) - UM_PER_PX) < 1e-9
        slides[side] = a
    print(f"ok two synthetic sections: {slides['left'].n_obs} and {slides['right'].n_obs} cells x "
          f"{slides['left'].n_vars} genes, at the detector's centres on their H&E")
    passed += 1

    run("evaluate", tmp / "left.h5ad", tmp / "right.h5ad", *cell_scale, *cache, "--epochs", "60", "--ensemble", "1",
        "-o", tmp / "eval")
    rows = list(csv.DictReader(open(tmp / "eval" / "cv_metrics.tsv"), delimiter="\t"))
    means = {}
    for method in ("mean", "library size", "ridge", "quadflow"):
        got = [float(r["pearson_r"]) for r in rows
               if r["method"] == method and r["kind"] == "pathway" and r["target"] in PLANTED]
        partial = [float(r["partial_r_given_depth"]) for r in rows
                   if r["method"] == method and r["kind"] == "pathway" and r["target"] in PLANTED]
        assert len(got) == 2 * len(PLANTED), (method, len(got))
        means[method] = (np.nan, np.nan) if np.all(np.isnan(got)) else (np.nanmean(got), np.nanmean(partial))
    assert np.isnan(means["mean"][0])  # a constant prediction has no correlation
    print("ok held-out sections, planted pathways: " +
          "; ".join(f"{m} r {r:.3f} (partial {p:.3f})" for m, (r, p) in means.items() if m != "mean"))
    assert means["quadflow"][0] > 0.3 and means["ridge"][0] > 0.3, means
    passed += 1

    run("train", tmp / "left.h5ad", *cell_scale, *cache, "--epochs", "60", "--ensemble", "1", "-o", tmp / "model")
    run("predict", tmp / "right.png", "--detect-nuclei", "--um-per-px", UM_PER_PX, "-m", tmp / "model" / "model.pt",
        *cache, "--threads", "2", "-o", tmp / "predicted.h5ad", "--maps", tmp / "maps", "--map-zoom", "20,40,100,100")
    assert np.array_equal(centres(tmp / "predicted.nuclei.tsv"), centres(tmp / "right.tsv"))
    run("score", tmp / "right.h5ad", "--tsv", tmp / "scores.tsv")
    scores = list(csv.DictReader(open(tmp / "scores.tsv"), delimiter="\t"))
    p = anndata.read_h5ad(tmp / "predicted.h5ad")
    names = list(p.uns["pathway_names"])
    r_values = []
    for pathway in PLANTED:
        truth = np.array([float(row[pathway]) for row in scores])
        predicted = np.asarray(p.obsm["pathway_activity"])[:, names.index(pathway)]
        r_values.append(np.corrcoef(truth, predicted)[0, 1])
    print(f"ok train on the left, predict the right from its H&E alone at {p.n_obs} detected nuclei: planted "
          f"pathways r {np.mean(r_values):.3f} (" + ", ".join(f"{v:.2f}" for v in r_values) + ")")
    assert np.mean(r_values) > 0.3, r_values
    passed += 1

    # The zoomed maps: the cells inside the 100 µm window only, as dots at that window's scale
    whole, zoom = Image.open(tmp / "maps" / "pathways_predicted.png"), Image.open(tmp / "maps" / "pathways_predicted_zoom.png")
    inside = [(x, y) for x, y in centres(tmp / "right.tsv") * UM_PER_PX if 20 <= x < 120 and 40 <= y < 140]
    assert zoom.width > whole.width and len(inside) > 10, (zoom.size, whole.size, len(inside))
    done = subprocess.run([stx, "predict", tmp / "right.png", "--cells", tmp / "right.tsv", "--um-per-px", str(UM_PER_PX),
                           "-m", tmp / "model" / "model.pt", *cache, "-o", tmp / "z.h5ad", "--maps", tmp / "zmaps",
                           "--map-zoom", "5000,5000,10,10"], capture_output=True, text=True, timeout=300)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "no spot or cell of the 423" in lines[0], done.stderr
    assert not (tmp / "z.h5ad").exists()
    print(f"ok --map-zoom: {zoom.size[0]} x {zoom.size[1]} px of the {len(inside)} cells in a 100 µm window; "
          f"an empty window: {lines[0]}")
    passed += 1

print(f"{passed} passed, 0 failed")
