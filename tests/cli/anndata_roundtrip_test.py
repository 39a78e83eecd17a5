"""The .h5ad files stx writes open in Debian's python3-anndata with identical counts, names and
coordinates (compared against an independent reading of the source files), and files that
anndata writes back are read by stx to the same numbers.

Usage: anndata_roundtrip_test.py STX SHARED_DATA SOURCE_DIR
"""
import csv
import json
import pathlib
import sys
import tempfile

import anndata
import h5py
import numpy as np
import scipy.sparse as sp

from common import Checks, parse_legacy_st, run

stx, shared, source = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
c = Checks("anndata-roundtrip")


def ingest(tmp, name, *args):
    out = tmp / f"{name}.h5ad"
    r = run(stx, "ingest", *args, "-o", str(out), "-q")
    c.check(r.returncode == 0, f"{name}: ingest failed: {r.stderr}")
    return anndata.read_h5ad(out), out


def dense(x):
    return x.toarray() if sp.issparse(x) else np.asarray(x)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)

    # Legacy ST: the demo bundle's four sections and the full-size C2.
    cases = [(f"demo_{s}", source / "demo" / "her2st", s) for s in ("C2", "C3", "C4", "C5")]
    cases.append(("shared_C2", shared / "her2st", "C2"))
    for name, root, s in cases:
        a, _ = ingest(tmp, name, str(root), "--section", s)
        ids, genes, counts, spots = parse_legacy_st(str(root / "counts" / f"{s}.tsv.gz"),
                                                    str(root / "spots" / f"{s}_selection.tsv"))
        c.check(list(a.obs_names) == ids, f"{name}: obs names")
        c.check(list(a.var_names) == genes, f"{name}: var names")
        c.check(sp.isspmatrix_csr(a.X) and a.X.dtype == np.float32, f"{name}: X is csr float32")
        c.check(np.array_equal(dense(a.X), counts), f"{name}: counts differ")
        xy = np.array([[float(spots[i]["pixel_x"]), float(spots[i]["pixel_y"])] for i in ids])
        c.check(np.array_equal(a.obsm["spatial"], xy), f"{name}: obsm['spatial'] differs")
        c.check(list(a.obs["array_col"]) == [int(spots[i]["x"]) for i in ids], f"{name}: array_col")
        c.check(list(a.obs["array_row"]) == [int(spots[i]["y"]) for i in ids], f"{name}: array_row")
        sf = a.uns["spatial"][s]["scalefactors"]
        c.check(abs(sf["spot_diameter_fullres"] * a.uns["stx"]["um_per_px"] - 100) < 1e-9,
                f"{name}: 100 µm spot diameter")

    # Pathologist labels arrive as a pandas categorical, joined as an independent parse does.
    a, _ = ingest(tmp, "labels_G2", str(shared / "her2st"), "--section", "G2")
    labels = {}
    with open(shared / "her2st" / "pathologist_labels" / "G2_labeled_coordinates.tsv") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["x"] != "NA":
                labels[f"{round(float(r['x']))}x{round(float(r['y']))}"] = r["label"]
    c.check(a.obs["label"].dtype.name == "category", "labels: obs['label'] is categorical")
    c.check(list(a.obs["label"]) == [labels.get(i, "") for i in a.obs_names], "labels: values")

    # Space Ranger: compare with h5py's reading of the matrix and the positions file.
    sr = shared / "visium_spaceranger_v1_fixture"
    a, _ = ingest(tmp, "spaceranger", str(sr))
    with h5py.File(sr / "filtered_feature_bc_matrix.h5") as f:
        m = f["matrix"]
        ref = sp.csc_matrix((m["data"][:], m["indices"][:], m["indptr"][:]),
                            shape=tuple(m["shape"][:])).T.toarray()
        barcodes = [b.decode() for b in m["barcodes"][:]]
        names = [b.decode() for b in m["features/name"][:]]
        gene_ids = [b.decode() for b in m["features/id"][:]]
    c.check(np.array_equal(dense(a.X), ref), "spaceranger: counts differ")
    c.check(list(a.obs_names) == barcodes and list(a.var_names) == names, "spaceranger: names")
    c.check(list(a.var["gene_ids"]) == gene_ids, "spaceranger: gene_ids")
    pos = {l.split(",")[0]: l.strip().split(",") for l in
           (sr / "spatial" / "tissue_positions_list.csv").read_text().splitlines()}
    xy = np.array([[float(pos[b][5]), float(pos[b][4])] for b in barcodes])
    c.check(np.array_equal(a.obsm["spatial"], xy), "spaceranger: obsm['spatial'] is (col, row)")
    c.check(list(a.obs["in_tissue"]) == [int(pos[b][1]) for b in barcodes], "spaceranger: in_tissue")
    sf = json.loads((sr / "spatial" / "scalefactors_json.json").read_text())
    c.check(a.uns["spatial"]["visium_spaceranger_v1_fixture"]["scalefactors"]["spot_diameter_fullres"]
            == sf["spot_diameter_fullres"], "spaceranger: spot_diameter_fullres")

    # Xenium (HEST h5ad, dense int64 X, coordinates in obs with x_pixel = row).
    xe = shared / "xenium_lung_NCBI858"
    a, _ = ingest(tmp, "xenium", str(xe / "NCBI858.h5ad"), "--image", str(xe / "NCBI858.jpg"),
                  "--obs-x", "y_pixel", "--obs-y", "x_pixel")
    orig = anndata.read_h5ad(xe / "NCBI858.h5ad")
    c.check(np.array_equal(dense(a.X), dense(orig.X).astype(np.float32)), "xenium: counts differ")
    c.check(list(a.obs_names) == list(orig.obs_names), "xenium: obs names")
    c.check(np.array_equal(a.obsm["spatial"], orig.obs[["y_pixel", "x_pixel"]].to_numpy()),
            "xenium: obsm['spatial'] = (y_pixel, x_pixel)")

    # The other direction: anndata rewrites stx's file; stx reads the same numbers back.
    a, written = ingest(tmp, "again", str(shared / "her2st"), "--section", "C3")
    a.write_h5ad(tmp / "by_anndata.h5ad")
    r1 = json.loads(run(stx, "ingest", str(written), "--json").stdout)
    r2 = json.loads(run(stx, "ingest", str(tmp / "by_anndata.h5ad"), "--json").stdout)
    for key in ("spots", "genes", "total_counts", "median_genes_per_spot", "um_per_px", "image_width"):
        c.check(r1[key] == r2[key], f"anndata-rewritten file: {key} {r1[key]} != {r2[key]}")

c.finish()
