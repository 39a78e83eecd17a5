"""stx ingest on a Visium HD folder built here from the format's description (#15): Space
Ranger 3's binned_outputs/square_008um/ with filtered_feature_bc_matrix.h5 (10x layout,
written with h5py), spatial/tissue_positions.parquet (hyparquet-writer), scalefactors_json.json
(microns_per_pixel, bin_size_um) and a hires PNG. A 16 µm bin folder beside it must not be
taken.

Checked: the outs folder reads as its 8 µm bins; each bin's coordinates, array position and
in_tissue flag are the Parquet row of its barcode; µm/px is microns_per_pixel and the bin
diameter bin_size_um / microns_per_pixel; the counts equal the matrix; a bin of the matrix
missing from the positions is a one-line error.

Usage: visium_hd_test.py STX SHARED_DATA_DIR REPO_DIR
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import anndata
import h5py
import numpy as np
import scipy.sparse as sp
from PIL import Image

stx, repo = sys.argv[1], pathlib.Path(sys.argv[3])
writer = repo / "tests" / "parquet" / "write_table.mjs"
if not (repo / "tests" / "parquet" / "node_modules" / "hyparquet-writer").is_dir():
    sys.exit("FAIL: tests/parquet/node_modules lacks hyparquet-writer: run scripts/install-deps.sh --with-tests")
rng = np.random.default_rng(11)
MICRONS_PER_PIXEL, HIRES = 0.2738, 0.25


def write_bins(folder, bin_um, rows, cols, genes, extra):
    """A bin folder: every (row, col) bin in the positions, the first `rows * cols` in the matrix."""
    spatial = folder / "spatial"
    spatial.mkdir(parents=True)
    grid = [(r, c) for r in range(rows) for c in range(cols)]
    barcodes = [f"s_{bin_um:03d}um_{r:05d}_{c:05d}-1" for r, c in grid]
    pitch = bin_um / MICRONS_PER_PIXEL
    px_row = [40 + r * pitch for r, _ in grid]
    px_col = [60 + c * pitch for _, c in grid]
    in_tissue = [int((r + c) % 4 != 0) for r, c in grid]
    counts = sp.random(len(grid), len(genes), density=0.3, random_state=rng.integers(1 << 30),
                       data_rvs=lambda n: rng.integers(1, 20, n)).toarray().astype(np.int32)
    counts[0, 0] = 5  # no all-zero matrix
    counts = sp.csr_matrix(counts)
    csc = counts.T.tocsc()  # 10x stores genes x barcodes, column-compressed by barcode
    with h5py.File(folder / "filtered_feature_bc_matrix.h5", "w") as f:
        m = f.create_group("matrix")
        m["barcodes"] = np.array([b.encode() for b in barcodes])
        m["data"], m["indices"], m["indptr"] = csc.data, csc.indices.astype(np.int64), csc.indptr.astype(np.int64)
        m["shape"] = np.array([len(genes), len(grid)], dtype=np.int32)
        feats = m.create_group("features")
        feats["id"] = np.array([f"ENSG{i:05d}".encode() for i in range(len(genes))])
        feats["name"] = np.array([g.encode() for g in genes])
        feats["feature_type"] = np.array([b"Gene Expression"] * len(genes))
        feats["genome"] = np.array([b"GRCh38"] * len(genes))
    # the positions also list bins the filtered matrix does not hold, shuffled
    all_rows = list(zip(barcodes, in_tissue, [r for r, _ in grid], [c for _, c in grid], px_row, px_col))
    for k in range(extra):
        all_rows.append((f"s_{bin_um:03d}um_{900 + k:05d}_00000-1", 0, 900 + k, 0, 5.0, 5.0))
    order = rng.permutation(len(all_rows))
    cols = list(zip(*[all_rows[i] for i in order]))
    table = {"columns": [{"name": "barcode", "type": "STRING", "data": list(cols[0])},
                         {"name": "in_tissue", "type": "INT32", "data": list(cols[1])},
                         {"name": "array_row", "type": "INT32", "data": list(cols[2])},
                         {"name": "array_col", "type": "INT32", "data": list(cols[3])},
                         {"name": "pxl_row_in_fullres", "type": "DOUBLE", "data": list(cols[4])},
                         {"name": "pxl_col_in_fullres", "type": "DOUBLE", "data": list(cols[5])}]}
    subprocess.run(["node", str(writer), str(spatial / "tissue_positions.parquet")], input=json.dumps(table),
                   text=True, check=True, timeout=60)
    (spatial / "scalefactors_json.json").write_text(json.dumps({
        "spot_diameter_fullres": bin_um / MICRONS_PER_PIXEL, "bin_size_um": float(bin_um),
        "microns_per_pixel": MICRONS_PER_PIXEL, "tissue_hires_scalef": HIRES, "tissue_lowres_scalef": HIRES / 10,
        "fiducial_diameter_fullres": 300.0, "regist_target_img_scalef": HIRES}))
    side = int((max(px_col) + 100) * HIRES), int((max(px_row) + 100) * HIRES)
    Image.new("RGB", side, (230, 200, 220)).save(spatial / "tissue_hires_image.png")
    return barcodes, in_tissue, px_row, px_col, counts.toarray()


passed = 0
with tempfile.TemporaryDirectory() as tmp:
    outs = pathlib.Path(tmp) / "outs"
    genes = [f"G{i}" for i in range(12)]
    barcodes, in_tissue, px_row, px_col, counts = write_bins(outs / "binned_outputs" / "square_008um", 8, 9, 11,
                                                             genes, extra=7)
    write_bins(outs / "binned_outputs" / "square_016um", 16, 4, 5, genes, extra=0)
    done = subprocess.run([stx, "ingest", str(outs), "-o", f"{tmp}/hd.h5ad"], capture_output=True, text=True,
                          timeout=120)
    text = done.stdout + done.stderr
    assert done.returncode == 0, text
    assert "format               = visium-hd" in text and "the 8 µm bins" in text, text
    a = anndata.read_h5ad(f"{tmp}/hd.h5ad")
    assert list(a.obs_names) == barcodes, list(a.obs_names)[:3]
    assert np.allclose(a.obsm["spatial"], np.column_stack([px_col, px_row]), rtol=0, atol=1e-9)
    assert list(a.obs["in_tissue"].astype(int)) == in_tissue
    assert np.array_equal(a.X.toarray() if sp.issparse(a.X) else a.X, counts)
    scale = a.uns["spatial"][next(iter(a.uns["spatial"]))]["scalefactors"]
    print(f"ok Visium HD 8 µm: {a.n_obs} bins x {a.n_vars} genes; positions, in_tissue, counts as written; "
          f"scalefactors in uns: {sorted(scale)}")
    assert f"{MICRONS_PER_PIXEL:.4f}" in text, text  # um / px printed
    passed += 1

    # A bin of the matrix without a position row: one line, exit 2.
    table_path = outs / "binned_outputs" / "square_016um" / "spatial" / "tissue_positions.parquet"
    table = {"columns": [{"name": n, "type": t, "data": d} for n, t, d in [
        ("barcode", "STRING", ["nobody-1"]), ("in_tissue", "INT32", [1]), ("array_row", "INT32", [0]),
        ("array_col", "INT32", [0]), ("pxl_row_in_fullres", "DOUBLE", [1.0]), ("pxl_col_in_fullres", "DOUBLE", [1.0])]]}
    subprocess.run(["node", str(writer), str(table_path)], input=json.dumps(table), text=True, check=True, timeout=60)
    done = subprocess.run([stx, "ingest", str(outs / "binned_outputs" / "square_016um"), "-o", f"{tmp}/bad.h5ad"],
                          capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "has no row in" in lines[0], done.stderr
    print(f"ok a bin without a position: {lines[0]}")
    passed += 1

print(f"{passed} passed, 0 failed")
