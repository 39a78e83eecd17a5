"""stx ingest on Xenium output folders (#15).

1. The two real Xenium 3.0 subsets of ../shared/data/xenium_multiqc. Their matrices hold 30
   and 25 anonymised cells ("CELL_000-1") that cells.parquet does not name, so the slides have
   no coordinates, and the notes must say so. The counts must equal the 10x matrix read with
   h5py, and the panel must come from experiment.xenium.
2. A bundle built here: sample 1's matrix and experiment.xenium, with a cells.parquet written
   by hyparquet-writer naming 20 of the 30 matrix cells plus 5 others. Then 20 cells are kept
   in the matrix's order, at µm / pixel_size, and both notes count what was left out.
3. A damaged experiment.xenium: exit 2 and one line naming the field.

Usage: xenium_test.py STX SHARED_DATA_DIR REPO_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import anndata
import h5py
import numpy as np
import scipy.sparse as sp

stx, shared, repo = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
writer = repo / "tests" / "parquet" / "write_table.mjs"
if not (repo / "tests" / "parquet" / "node_modules" / "hyparquet-writer").is_dir():
    sys.exit("FAIL: tests/parquet/node_modules lacks hyparquet-writer: run scripts/install-deps.sh --with-tests")
passed = 0


def ingest(folder, out):
    done = subprocess.run([stx, "ingest", str(folder), "-o", str(out)], capture_output=True, text=True, timeout=120)
    return done, done.stdout + done.stderr


def tenx_counts(path):
    with h5py.File(path) as f:
        m = f["matrix"]
        shape = tuple(m["shape"][:])
        csc = sp.csc_matrix((m["data"][:], m["indices"][:], m["indptr"][:]), shape=shape)
        return csc.T.toarray(), [b.decode() for b in m["barcodes"][:]], [g.decode() for g in m["features"]["name"][:]]


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    for sample, cells in (("sample1", 30), ("sample2", 25)):
        folder = shared / "xenium_multiqc" / sample
        done, text = ingest(folder, tmp / f"{sample}.h5ad")
        assert done.returncode == 0, text
        assert "format               = xenium" in text, text
        assert "10000 of the 10000 cells in cells.parquet have no matrix row" in text, text
        assert f"none of the {cells} matrix cells is in cells.parquet: no coordinates" in text, text
        a = anndata.read_h5ad(tmp / f"{sample}.h5ad")
        want, barcodes, genes = tenx_counts(folder / "cell_feature_matrix.h5")
        assert list(a.obs_names) == barcodes and list(a.var_names) == genes
        assert np.array_equal(a.X.toarray() if sp.issparse(a.X) else a.X, want)
        assert "spatial" not in a.obsm
        print(f"ok {sample}: {a.n_obs} cells x {a.n_vars} genes equal the 10x matrix; no coordinates, as noted")
        passed += 1

    # A bundle whose cells.parquet names 20 of the matrix's cells and 5 others.
    bundle = tmp / "bundle"
    bundle.mkdir()
    source = shared / "xenium_multiqc" / "sample1"
    shutil.copy(source / "cell_feature_matrix.h5", bundle)
    shutil.copy(source / "experiment.xenium", bundle)
    want, barcodes, genes = tenx_counts(source / "cell_feature_matrix.h5")
    rng = np.random.default_rng(3)
    named = [barcodes[i] for i in rng.permutation(30)[:20]] + [f"other_{k}-1" for k in range(5)]
    x_um, y_um = rng.uniform(100, 900, 25).round(3), rng.uniform(50, 700, 25).round(3)
    table = {"columns": [{"name": "cell_id", "type": "STRING", "data": named},
                         {"name": "x_centroid", "type": "DOUBLE", "data": x_um.tolist()},
                         {"name": "y_centroid", "type": "DOUBLE", "data": y_um.tolist()},
                         {"name": "cell_area", "type": "DOUBLE", "data": [50.0] * 25}]}
    subprocess.run(["node", str(writer), str(bundle / "cells.parquet")], input=json.dumps(table), text=True,
                   check=True, timeout=60)
    done, text = ingest(bundle, tmp / "bundle.h5ad")
    assert done.returncode == 0, text
    assert "5 of the 25 cells in cells.parquet have no matrix row" in text, text
    assert "10 of the 30 matrix cells are not in cells.parquet: dropped" in text, text
    a = anndata.read_h5ad(tmp / "bundle.h5ad")
    kept = [b for b in barcodes if b in named[:20]]  # the matrix's order
    assert list(a.obs_names) == kept, (list(a.obs_names), kept)
    at = {c: i for i, c in enumerate(named)}
    pixel = 0.2125
    expected = np.array([[x_um[at[c]] / pixel, y_um[at[c]] / pixel] for c in kept])
    assert np.allclose(a.obsm["spatial"], expected, rtol=0, atol=1e-9), (a.obsm["spatial"][:3], expected[:3])
    rows = [barcodes.index(c) for c in kept]
    assert np.array_equal(a.X.toarray() if sp.issparse(a.X) else a.X, want[rows])
    print(f"ok constructed bundle: {a.n_obs} cells at µm / {pixel}, counts equal the matrix rows, notes count the rest")
    passed += 1

    # Damaged experiment.xenium
    (bundle / "experiment.xenium").write_text(json.dumps({"pixel_size": "0.2125"}))
    done, text = ingest(bundle, tmp / "bad.h5ad")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "experiment.xenium: field pixel_size" in lines[0], text
    print(f"ok damaged experiment.xenium: {lines[0]}")
    passed += 1

print(f"{passed} passed, 0 failed")
