"""QuPath GeoJSON (#29 item 1): `stx predict --geojson` and `stx export --geojson` checked as a
reader would: RFC 7946 structure (a FeatureCollection of Features with a Polygon whose ring is
closed, counter-clockwise and finite), QuPath's properties (objectType, measurements as {name: value}), one feature per spot
with a unique RFC 4122 id, the polygon a circle of the spot's diameter around its centre, and
every measurement equal to the .h5ad's value to its 6 significant digits (pathways from obsm, genes from X). gzip when the
name ends in .gz; export of the .h5ad gives the same objects; --no-genes, --objects cell.

Usage: geojson_test.py STX SHARED_DATA SOURCE_DIR
"""
import gzip
import json
import pathlib
import re
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import anndata
import numpy as np
from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("geojson")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def check_collection(doc, adata, with_genes, object_type, what):
    c.check(doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list), f"{what}: not a FeatureCollection")
    features = doc["features"]
    c.check(len(features) == adata.n_obs, f"{what}: {len(features)} features for {adata.n_obs} spots")
    ids = [f.get("id", "") for f in features]
    c.check(len(set(ids)) == len(ids) and all(UUID.match(i) for i in ids), f"{what}: ids not unique RFC 4122 UUIDs")
    names = list(adata.uns["pathway_names"])
    activity = np.asarray(adata.obsm["pathway_activity"])
    genes = np.asarray(adata.X.todense() if hasattr(adata.X, "todense") else adata.X)
    row = {name: i for i, name in enumerate(adata.obs_names)}
    centre = np.asarray(adata.obsm["spatial"])
    diameter = adata.uns["spatial"][next(iter(adata.uns["spatial"]))]["scalefactors"]["spot_diameter_fullres"]
    worst_value, worst_ring, bad, bad_orientation = 0.0, 0.0, 0, 0
    for f in features:
        geometry, properties = f.get("geometry", {}), f.get("properties", {})
        ring = np.asarray(geometry.get("coordinates", [[]])[0], dtype=float)
        if f.get("type") != "Feature" or geometry.get("type") != "Polygon" or len(ring) < 4 or \
                not np.array_equal(ring[0], ring[-1]) or properties.get("objectType") != object_type:
            bad += 1
            continue
        x, y = ring[:, 0], ring[:, 1]
        area = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])  # shoelace, on the numbers as written
        n = len(ring) - 1
        polygon_area = n / 2 * (diameter / 2) ** 2 * np.sin(2 * np.pi / n)
        if not np.isfinite(ring).all() or abs(area - polygon_area) > 1e-3 * polygon_area:
            bad_orientation += 1  # RFC 7946 3.1.6: exteriors counter-clockwise (area > 0), finite
        i = row[properties["name"]]
        worst_ring = max(worst_ring, float(np.max(np.abs(np.hypot(*(ring - centre[i]).T) - diameter / 2))))
        m = properties["measurements"]
        expected = dict(zip(names, activity[i]))
        if with_genes:
            expected.update(zip(adata.var_names, genes[i]))
        if set(m) != set(expected):
            bad += 1
            continue
        worst_value = max(worst_value, max(abs(m[k] - v) / max(1e-6, abs(v)) for k, v in expected.items()))
    c.check(bad == 0, f"{what}: {bad} features malformed or with other measurements")
    c.check(bad_orientation == 0, f"{what}: {bad_orientation} rings not counter-clockwise, not finite or of the wrong area")
    c.check(worst_ring < 0.02, f"{what}: a vertex {worst_ring:.3f} px off the spot's circle")
    # written to 6 significant digits: at most half a unit of the sixth, 5e-6 of the value
    c.check(worst_value <= 5.0001e-6, f"{what}: a measurement differs from the .h5ad by {worst_value:.2e} (relative)")
    return features


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    r = run(stx, "predict", str(source / "demo" / "her2st"), "--section", "C5", "-o", str(tmp / "c5.h5ad"),
            "--geojson", str(tmp / "c5.geojson.gz"), "--cache-dir", str(tmp / "cache"))
    c.check(r.returncode == 0 and "QuPath" in r.stdout, f"predict --geojson: {r.returncode} {r.stderr}")
    adata = anndata.read_h5ad(tmp / "c5.h5ad")
    with gzip.open(tmp / "c5.geojson.gz", "rt") as f:
        predicted = check_collection(json.load(f), adata, True, "detection", "predict --geojson .gz")
    print(f"{len(predicted)} objects, {len(predicted[0]['properties']['measurements'])} measurements each")

    r = run(stx, "export", str(tmp / "c5.h5ad"), "--geojson", str(tmp / "c5.geojson"))
    c.check(r.returncode == 0 and "181 objects" in r.stdout, f"export: {r.returncode} {r.stdout} {r.stderr}")
    exported = json.loads((tmp / "c5.geojson").read_text())
    check_collection(exported, adata, True, "detection", "export")
    c.check(exported["features"] == predicted, "export of the .h5ad differs from predict's own GeoJSON")

    r = run(stx, "export", str(tmp / "c5.h5ad"), "--geojson", str(tmp / "cells.geojson"), "--objects", "cell",
            "--no-genes")
    c.check(r.returncode == 0, f"export --objects cell --no-genes: {r.stderr}")
    check_collection(json.loads((tmp / "cells.geojson").read_text()), adata, False, "cell", "cells, no genes")

    # domains as QuPath classes: stx domains of the prediction, then export --domains
    r = run(stx, "domains", str(tmp / "c5.h5ad"), "-o", str(tmp / "dom"), "--k", "3")
    c.check(r.returncode == 0, f"domains of the prediction: {r.stderr}")
    r = run(stx, "export", str(tmp / "c5.h5ad"), "--geojson", str(tmp / "classes.geojson"), "--domains",
            str(tmp / "dom" / "domains.tsv"), "--no-genes")
    c.check(r.returncode == 0 and "181 classified by domain" in r.stdout, f"export --domains: {r.stdout} {r.stderr}")
    if r.returncode == 0:
        table = {row.split("\t")[1]: row.split("\t")[5]
                 for row in (tmp / "dom" / "domains.tsv").read_text().splitlines()[1:]}
        tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]  # matplotlib's, as the domain maps colour
        names = sorted({f"domain {d}" for d in table.values()})
        wrong = 0
        for f in json.loads((tmp / "classes.geojson").read_text())["features"]:
            cls = f["properties"].get("classification", {})
            want = f"domain {table[f['properties']['name']]}"
            rgb = "#" + "".join(f"{v:02x}" for v in cls.get("color", []))
            wrong += cls.get("name") != want or rgb != tab10[names.index(want)]
            wrong += list(f["properties"]) != ["objectType", "name", "classification", "measurements"]
        c.check(len(names) == 3 and wrong == 0, f"classes: {wrong} features differ from domains.tsv ({names})")
        print(f"ok classification: every object's class is its domain in domains.tsv, coloured as the maps ({names})")
    (tmp / "other.tsv").write_text("slide\tspot\tdomain\nZ9\t10x10\t1\n")
    r = run(stx, "export", str(tmp / "c5.h5ad"), "--geojson", str(tmp / "x.geojson"), "--domains", str(tmp / "other.tsv"))
    c.check(r.returncode == 1 and "no domains of slide 'C5' (it holds Z9)" in r.stderr and not (tmp / "x.geojson").exists(),
            f"domains of another slide: {r.returncode} {r.stderr}")

    r = run(stx, "export", str(tmp / "c5.h5ad"), "--geojson", str(tmp / "c5.geojson"))
    c.check(r.returncode == 1 and "exists" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
            f"export over an existing file: {r.returncode} {r.stderr}")

c.finish()
