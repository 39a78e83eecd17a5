"""Prediction per cell on the 200-cell Xenium lung sample with its H&E (#15), end to end:

1. ingest: NCBI858.h5ad with NCBI858.jpg, its swapped coordinates named (obs.x_pixel is the
   image row), at 1 µm/px (by eye; the data records none);
2. score: the panel's coverage of each Hallmark (--coverage), as counted here from the GMT; the
   panel-aware GMT (--panel-gmt) holds the kept sets cut to the panel and scores the same;
   evaluate: held-out numbers for one slide, three spatial stripes each held out in turn,
   QuadFlow against the mean, library-size and ridge baselines on the same cell-scale
   features (32 µm patches). Printed for the note, checked for completeness, not for a winner;
3. train on the whole slide at cell scale, then predict from the H&E alone at the cells'
   centres (--cells): the same predictions as predicting on the ingested slide itself;
4. a centre table without coordinates and one with a centre off the image: one-line errors.

Usage: cell_level_test.py STX SHARED_DATA_DIR REPO_DIR
"""
import csv
import math
import pathlib
import subprocess
import sys
import tempfile

import anndata
import numpy as np

stx, shared, repo = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
sample = shared / "xenium_lung_NCBI858"
cell_scale = ["--patch-um", "32", "--patch-px", "64", "--threads", "2"]
passed = 0


def run(*args, ok=True):
    done = subprocess.run([stx, *map(str, args)], capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, f"stx {' '.join(map(str, args))}: exit {done.returncode}\n{done.stderr}"
    return done


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    cache = ["--cache-dir", tmp / "cache"]
    run("ingest", sample / "NCBI858.h5ad", "--image", sample / "NCBI858.jpg", "--obs-x", "y_pixel", "--obs-y",
        "x_pixel", "--um-per-px", "1", "-o", tmp / "cells.h5ad")
    raw, cells = anndata.read_h5ad(sample / "NCBI858.h5ad"), anndata.read_h5ad(tmp / "cells.h5ad")
    assert np.array_equal(cells.obsm["spatial"], raw.obs[["y_pixel", "x_pixel"]].to_numpy())
    print(f"ok ingest: {cells.n_obs} cells x {cells.n_vars} genes, x = obs.y_pixel, y = obs.x_pixel")
    passed += 1

    # The panel's coverage of each Hallmark, against a count made here from the GMT
    run("score", tmp / "cells.h5ad", "--tsv", tmp / "scores.tsv", "--coverage", tmp / "coverage.tsv", "--panel-gmt",
        tmp / "panel.gmt")
    panel = {g.upper(): g for g in cells.var_names}
    expected = {}
    for line in open(repo / "data" / "genesets" / "h.all.v7.0.symbols.gmt"):
        name, _, *genes = line.rstrip("\n").split("\t")
        expected[name] = (len(genes), len({panel[g.upper()] for g in genes if g.upper() in panel}))
    coverage = list(csv.DictReader(open(tmp / "coverage.tsv"), delimiter="\t"))
    assert len(coverage) == 50
    for row in coverage:
        in_set, found = expected[row["gene_set"]]
        assert (int(row["genes_in_set"]), int(row["genes_in_data"])) == (in_set, found), row
        assert row["kept"] == ("yes" if found >= 5 else "no"), row
    dropped = sum(row["kept"] == "no" for row in coverage)
    print(f"ok panel coverage: {50 - dropped} Hallmarks kept, {dropped} below 5 genes dropped, counts as the GMT's")
    passed += 1

    # The panel-aware GMT: the kept sets cut to the panel, which scores exactly as the full sets do
    panel_sets = {f[0]: f[2:] for f in (line.rstrip("\n").split("\t") for line in open(tmp / "panel.gmt"))}
    assert list(panel_sets) == [row["gene_set"] for row in coverage if row["kept"] == "yes"]
    for name, genes in panel_sets.items():
        assert len(genes) == expected[name][1] and set(genes) <= set(cells.var_names), name
    run("score", tmp / "cells.h5ad", "--genesets", tmp / "panel.gmt", "--tsv", tmp / "panel_scores.tsv")
    assert (tmp / "panel_scores.tsv").read_text() == (tmp / "scores.tsv").read_text()
    print(f"ok --panel-gmt: {len(panel_sets)} sets of panel genes only; scoring with it gives the same scores")
    passed += 1

    run("evaluate", tmp / "cells.h5ad", "--spatial-folds", "3", *cell_scale, *cache, "--epochs", "60",
        "--ensemble", "1", "-o", tmp / "eval")
    rows = list(csv.DictReader(open(tmp / "eval" / "cv_metrics.tsv"), delimiter="\t"))
    assert {r["protocol"] for r in rows} == {"leave one spatial stripe of one slide out"}
    folds = sorted({r["fold"] for r in rows})
    assert folds == ["NCBI858:1/3", "NCBI858:2/3", "NCBI858:3/3"], folds
    for kind in ("pathway", "gene"):
        line = []
        for method in ("library size", "ridge", "ridge, per-slide features", "quadflow"):
            got = [r for r in rows if r["method"] == method and r["kind"] == kind]
            assert len({r["fold"] for r in got}) == 3, (method, kind)
            r_values = [float(r["pearson_r"]) for r in got if not math.isnan(float(r["pearson_r"]))]
            partial = [float(r["partial_r_given_depth"]) for r in got
                       if not math.isnan(float(r["partial_r_given_depth"]))]
            assert r_values and all(-1 <= v <= 1 for v in r_values), (method, kind)
            line.append(f"{method} r {np.mean(r_values):.3f} (partial {np.mean(partial):.3f})")
        print(f"ok held-out stripes, {kind}s: " + "; ".join(line))
    passed += 1

    run("train", tmp / "cells.h5ad", *cell_scale, *cache, "--epochs", "30", "--ensemble", "1", "-o", tmp / "model")
    with open(tmp / "centres.csv", "w") as f:
        f.write("cell_id,x,y\n")
        for name, (x, y) in zip(cells.obs_names, cells.obsm["spatial"]):
            f.write(f"{name},{x!r},{y!r}\n")
    run("predict", sample / "NCBI858.jpg", "--cells", tmp / "centres.csv", "--um-per-px", "1", "-m",
        tmp / "model" / "model.pt", *cache, "-o", tmp / "from_image.h5ad")
    run("predict", tmp / "cells.h5ad", "-m", tmp / "model" / "model.pt", *cache, "-o", tmp / "from_slide.h5ad")
    a, b = anndata.read_h5ad(tmp / "from_image.h5ad"), anndata.read_h5ad(tmp / "from_slide.h5ad")
    assert list(a.obs_names) == list(b.obs_names) == list(cells.obs_names)
    assert np.array_equal(a.obsm["pathway_activity"], b.obsm["pathway_activity"])
    dense = lambda m: m.toarray() if hasattr(m, "toarray") else np.asarray(m)
    assert np.array_equal(dense(a.X), dense(b.X))
    print(f"ok predict per cell from the H&E alone: {a.n_obs} cells x {a.n_vars} genes, "
          f"{a.obsm['pathway_activity'].shape[1]} pathways, equal to predicting on the slide")
    passed += 1

    (tmp / "no_xy.csv").write_text("cell_id,row,col\na,1,2\n")
    (tmp / "outside.csv").write_text("x_um,y_um\n10,10\n5000,10\n")
    for table, expected in (("no_xy.csv", "expected columns x, y"), ("outside.csv", "outside.csv: 1 of 2 spots lie outside the image")):
        done = run("predict", sample / "NCBI858.jpg", "--cells", tmp / table, "--um-per-px", "1", "-m",
                   tmp / "model" / "model.pt", *cache, "-o", tmp / "bad.h5ad", ok=False)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and expected in lines[0], done.stderr
        print(f"ok {table}: {lines[0]}")
    passed += 1

print(f"{passed} passed, 0 failed")
