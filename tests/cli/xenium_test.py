"""stx ingest on Xenium output folders (#15).

1. The two real Xenium 3.0 subsets of ../shared/data/xenium_multiqc. Their matrices hold 30
   and 25 anonymised cells ("CELL_000-1") that cells.parquet does not name, so the slides have
   no coordinates, and the notes must say so. The counts must equal the 10x matrix read with
   h5py, and the panel must come from experiment.xenium.
2. A bundle built here: sample 1's matrix and experiment.xenium, with a cells.parquet written
   by hyparquet-writer naming 20 of the 30 matrix cells plus 5 others. Then 20 cells are kept
   in the matrix's order, at µm / pixel_size, and both notes count what was left out.
3. The same bundle with the older cells.csv.gz (quoted fields) instead of cells.parquet.
4. A post-Xenium H&E with Xenium Explorer's alignment: the 3 x 3 matrix (H&E px -> morphology
   px) of a rotation, scale and shift, then keypoints (Xenium µm, H&E px) of the same map. The
   cells must land at the matrix's inverse computed by numpy, with µm/px sqrt|det| x pixel_size.
5. Bad input: --image without --alignment (a usage error, exit 1); collinear keypoints, a
   projective matrix, a damaged experiment.xenium (exit 2): one line naming the file and field.

Usage: xenium_test.py STX SHARED_DATA_DIR REPO_DIR
"""
import gzip
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
from PIL import Image

stx, shared, repo = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
writer = repo / "tests" / "parquet" / "write_table.mjs"
if not (repo / "tests" / "parquet" / "node_modules" / "hyparquet-writer").is_dir():
    sys.exit("FAIL: tests/parquet/node_modules lacks hyparquet-writer: run scripts/install-deps.sh --with-tests")
passed = 0


def ingest(folder, out, *extra):
    done = subprocess.run([stx, "ingest", str(folder), "-o", str(out), *map(str, extra)], capture_output=True,
                          text=True, timeout=120)
    return done, done.stdout + done.stderr


def one_line_error(done, text, *wanted, code=2):
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code and len(lines) == 1 and all(w in lines[0] for w in wanted), (done.returncode, text)
    return lines[0]


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
    # squidpy's unit for cells: obsm['spatial_um'] is x_centroid, y_centroid; a cell is an 8 µm spot for scanpy
    want_um = np.array([[x_um[at[c]], y_um[at[c]]] for c in kept])
    assert np.allclose(a.obsm["spatial_um"], want_um, rtol=0, atol=1e-9)
    library = a.uns["spatial"][list(a.uns["spatial"])[0]]
    assert abs(float(library["scalefactors"]["spot_diameter_fullres"]) - 8 / pixel) < 1e-9
    print(f"ok constructed bundle: {a.n_obs} cells at µm / {pixel}, counts equal the matrix rows, notes count the rest")
    passed += 1

    # The older cells.csv.gz, quoted as Xenium Onboard Analysis 1.x writes it
    csv_bundle = tmp / "csv_bundle"
    shutil.copytree(bundle, csv_bundle)
    (csv_bundle / "cells.parquet").unlink()
    with gzip.open(csv_bundle / "cells.csv.gz", "wt") as f:
        f.write('"cell_id","x_centroid","y_centroid","transcript_counts"\n')
        for c, x, y in zip(named, x_um, y_um):
            f.write(f'"{c}",{x!r},{y!r},12\n')
    done, text = ingest(csv_bundle, tmp / "csv.h5ad")
    assert done.returncode == 0, text
    assert "5 of the 25 cells in cells.csv.gz have no matrix row" in text, text
    b = anndata.read_h5ad(tmp / "csv.h5ad")
    assert list(b.obs_names) == kept and np.allclose(b.obsm["spatial"], expected, rtol=0, atol=1e-9)
    print("ok cells.csv.gz: the same cells at the same positions as from cells.parquet")
    passed += 1

    # A post-Xenium H&E at 0.3 µm/px, rotated by 30 degrees and shifted against the morphology image
    he_um_per_px, theta = 0.3, np.radians(30)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    linear = rotation * he_um_per_px / pixel  # H&E px -> morphology px
    um = np.stack([x_um, y_um], axis=1)
    shift = np.array([-300.0, 900.0])
    he = np.linalg.solve(linear, (um / pixel - shift).T).T  # every cell's H&E position
    shift -= linear @ (40 - he.min(axis=0))  # moves the cells to 40 px or more inside the image
    he = np.linalg.solve(linear, (um / pixel - shift).T).T
    assert he.min() > 39.99
    width, height = (he.max(axis=0) + 40).astype(int)
    Image.new("RGB", (int(width), int(height)), (230, 180, 200)).save(tmp / "he.png")
    matrix = np.vstack([np.hstack([linear, shift[:, None]]), [0, 0, 1]])
    np.savetxt(tmp / "he_imagealignment.csv", matrix, delimiter=",", fmt="%.17g")
    done, text = ingest(bundle, tmp / "he.h5ad", "--image", tmp / "he.png", "--alignment",
                        tmp / "he_imagealignment.csv")
    assert done.returncode == 0, text
    assert "by its alignment matrix (0.3000 µm/px)" in text, text
    c = anndata.read_h5ad(tmp / "he.h5ad")
    want_he = np.array([he[at[k]] for k in kept])
    assert np.allclose(c.obsm["spatial"], want_he, rtol=0, atol=1e-6), (c.obsm["spatial"][:2], want_he[:2])
    assert abs(float(c.uns["stx"]["um_per_px"]) - he_um_per_px) < 1e-12
    # µm on the H&E's frame: rotated and shifted against Xenium's, with the same distances
    distances = lambda p: np.hypot(*(p[:, None, :] - p[None, :, :]).transpose(2, 0, 1))
    assert np.allclose(distances(c.obsm["spatial_um"]), distances(want_um), rtol=0, atol=1e-6)
    print(f"ok H&E by its alignment matrix: {c.n_obs} cells at numpy's inverse within 1e-6 px, 0.3 µm/px")
    passed += 1

    # The same map as Xenium Explorer keypoints: fixed = Xenium µm, alignment = H&E px
    probe = np.array([[10.0, 20.0], [900.0, 40.0], [500.0, 700.0], [30.0, 650.0], [420.0, 300.0]])
    fixed = (linear @ probe.T).T * pixel + shift * pixel
    with open(tmp / "keypoints.csv", "w") as f:
        f.write("fixedX,fixedY,alignmentX,alignmentY\n")
        for (fx, fy), (ax, ay) in zip(fixed, probe):
            f.write(f"{fx!r},{fy!r},{ax!r},{ay!r}\n")
    done, text = ingest(bundle, tmp / "kp.h5ad", "--image", tmp / "he.png", "--alignment", tmp / "keypoints.csv")
    assert done.returncode == 0, text
    assert "by an affine fit to 5 keypoints (0.3000 µm/px, residual 0.00 µm rms)" in text, text
    d = anndata.read_h5ad(tmp / "kp.h5ad")
    assert np.allclose(d.obsm["spatial"], want_he, rtol=0, atol=1e-6)
    print("ok H&E by 5 keypoints: the fitted map places the cells where the matrix does")
    passed += 1

    # Bad input
    errors = [one_line_error(*ingest(bundle, tmp / "x.h5ad", "--image", tmp / "he.png"), "--image needs its alignment",
                             code=1)]
    with open(tmp / "line.csv", "w") as f:
        f.write("fixedX,fixedY,alignmentX,alignmentY\n1,1,0,0\n2,2,1,1\n3,3,2,2\n")
    errors.append(one_line_error(*ingest(bundle, tmp / "x.h5ad", "--image", tmp / "he.png", "--alignment",
                                         tmp / "line.csv"), "line.csv: the 3 keypoints' H&E positions lie on one line"))
    np.savetxt(tmp / "projective.csv", matrix + np.array([[0, 0, 0], [0, 0, 0], [1e-3, 0, 0]]), delimiter=",")
    errors.append(one_line_error(*ingest(bundle, tmp / "x.h5ad", "--image", tmp / "he.png", "--alignment",
                                         tmp / "projective.csv"), "projective.csv: line 3", "affine"))
    far = tmp / "far_bundle"  # a centroid at 1e300 µm was accepted (#32)
    shutil.copytree(csv_bundle, far)
    with gzip.open(far / "cells.csv.gz", "wt") as f:
        f.write('"cell_id","x_centroid","y_centroid"\n' f'"{named[0]}",1e300,5\n')
    errors.append(one_line_error(*ingest(far, tmp / "far.h5ad"), "cells.csv.gz: line 2: x_centroid, y_centroid",
                                 "within ±100000 µm"))
    assert not (tmp / "far.h5ad").exists()
    (bundle / "experiment.xenium").write_text(json.dumps({"pixel_size": "0.2125"}))
    errors.append(one_line_error(*ingest(bundle, tmp / "bad.h5ad"), "experiment.xenium: field pixel_size"))
    for line in errors:
        print(f"ok refused: {line}")
    passed += 1

print(f"{passed} passed, 0 failed")
