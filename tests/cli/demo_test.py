"""`stx demo` end to end: its outputs, folds, report and the map specificity it prints for B4,
checked against NumPy on its own .h5ad files. Apart from cli_test.py's quick checks so that
CTest runs the two side by side.

Usage: demo_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("demo")


def check_map_specificity(c, stdout, demo):
    """stx predict's line on B4 (mean r, the maps' mean |r| between pathways, own map closest)
    against NumPy on the measured scores (B4.h5ad) and the predictions (B4_predicted.h5ad)."""
    import re
    import anndata
    import numpy as np
    c.check((demo / "maps" / "pathway_correlations_measured_vs_predicted.png").exists(),
            "no pathway correlation figure for B4")
    summary = (demo / "cv_summary.md").read_text()
    c.check("maps' mean \\|r\\| (measured) | own map closest |" in summary, f"cv_summary.md lacks map specificity: {summary[:400]}")
    header = (demo / "cv_metrics.tsv").read_text().splitlines()[0].split("\t")
    c.check(header[-3:] == ["mean_abs_r_with_other_predicted_maps", "mean_abs_r_with_other_measured_maps",
                            "closest_measured_map"], f"cv_metrics.tsv columns {header}")
    m = re.search(r"measured  = mean pathway r ([-\d.]+); maps' mean \|r\| between pathways ([\d.]+) predicted, "
                  r"([\d.]+) measured; (\d+) of (\d+) closest", stdout)
    c.check(m is not None, f"stx predict printed no map specificity for B4: {stdout[-1500:]}")
    if m is None:
        return
    measured, predicted = anndata.read_h5ad(demo / "B4.h5ad"), anndata.read_h5ad(demo / "B4_predicted.h5ad")
    measured = measured[predicted.obs_names]
    names = list(predicted.uns["pathway_names"])
    order = [list(measured.uns["pathway_names"]).index(n) for n in names]
    t = np.asarray(measured.obsm["pathway_activity"], dtype=float)[:, order]
    p = np.asarray(predicted.obsm["pathway_activity"], dtype=float)
    k = t.shape[1]
    cross = np.corrcoef(p.T, t.T)[:k, k:]  # (predicted, measured)
    between = lambda x: (np.abs(np.corrcoef(x.T)).sum() - k) / (k * (k - 1))
    want = [np.mean(np.diag(cross)), between(p), between(t), int(np.sum(cross.argmax(1) == np.arange(k))), k]
    got = [float(m.group(i)) for i in range(1, 4)] + [int(m.group(4)), int(m.group(5))]
    c.check(all(abs(a - b) <= 0.0011 for a, b in zip(got[:3], want[:3])) and got[3:] == want[3:],
            f"map specificity of B4: stx {got}, NumPy {want}")


def check_qupath_objects(c, stdout, demo):
    """Step 6's QuPath objects: one detection per predicted B4 spot, named by its spot id, with
    every predicted pathway and gene as a measurement equal to the .h5ad's (py.geojson_test
    checks the geometry and the format in depth)."""
    import json
    import anndata
    import numpy as np
    path = demo / "B4_predicted.geojson"
    c.check(f"Wrote {path}" in stdout and "QuPath: File > Import objects" in stdout, f"demo step 6: {stdout[-800:]}")
    if not path.exists():
        return
    features = json.loads(path.read_text())["features"]
    predicted = anndata.read_h5ad(demo / "B4_predicted.h5ad")
    c.check([f["properties"]["name"] for f in features] == list(predicted.obs_names),
            "QuPath objects: one per predicted spot, in order, named by spot id")
    pathways = list(predicted.uns["pathway_names"])
    m = features[0]["properties"]["measurements"]
    activity = np.asarray(predicted.obsm["pathway_activity"], dtype=float)
    first = [m.get(n, np.nan) for n in pathways]
    c.check(np.allclose(first, activity[0], rtol=1e-5, atol=1e-6),
            f"QuPath measurements of the first spot against obsm['pathway_activity']: {first[:3]} {activity[0, :3]}")
    c.check(len(m) == len(pathways) + predicted.n_vars, f"QuPath measurements: {len(m)}, expected pathways + genes")


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    # --- the demo ---------------------------------------------------------------------------------
    # one model instead of the default ensemble: this checks the outputs, not the numbers
    # (docs/model.md has those), and keeps CI short
    r = run(stx, "demo", "--out", str(tmp / "demo"), "--ensemble", "1", timeout=800)
    c.check(r.returncode == 0, f"demo exits 0: {r.stderr}")
    written = set(p.name for p in (tmp / "demo").iterdir())
    expected = {"B4.h5ad", "C2.h5ad", "C3.h5ad", "C4.h5ad", "C5.h5ad", "cv_metrics.tsv", "cv_summary.md",
                "model", "B4_predicted.h5ad", "B4_predicted.tsv", "B4_predicted.geojson", "B4_image_only.h5ad", "maps",
                "perturb", "explain", "domains", "view", "run.json", "report.html", "cache"}
    c.check(written == expected, f"demo outputs: {sorted(written)}, expected {sorted(expected)}")
    report = tmp / "demo" / "report.html"
    c.check(f"Open the report: {report.resolve()}" in r.stdout, f"demo does not say where the report is: {r.stdout[-300:]}")
    if report.exists():
        page = report.read_text()
        c.check(page.count("data:image/webp") == 12,
                "report: expected 5 maps (pathway correlations among them), a perturbation, a coupling and an "
                "attribution figure, 2 domain maps and 2 domain heatmaps")
        c.check("own map closest" in page, "report: no map specificity column")
        c.check('href="view/index.html"' in page and (tmp / "demo" / "view" / "index.html").exists(),
                "report: no link to the viewer, or no viewer")
        c.check("Asking the model why" in page and "randomised-weights Spearman" in page and "random sets (control" in page,
                "report: no perturbation and attribution section with their checks")
    # step 4: the decoder's answer for one pathway and the attribution of B4's top 10 % for it
    pathway = "HALLMARK_ESTROGEN_RESPONSE_EARLY"
    c.check((tmp / "demo" / "perturb" / f"perturbation_{pathway}.png").exists(), "no perturbation figure")
    checks = (tmp / "demo" / "explain" / "attribution_checks.tsv").read_text().splitlines()
    row = dict(zip(checks[0].split("\t"), checks[1].split("\t")))
    c.check(row["pathway"] == pathway and row["region_spots"] == "28" and float(row["completeness_gap"]) < 1e-3,
            f"demo's attribution: {row}")
    c.check(f"ask the model why: {pathway} raised in its decoder, and attributed on B4" in r.stdout,
            f"demo step 4: {r.stdout[-2000:]}")
    metrics = (tmp / "demo" / "cv_metrics.tsv").read_text().splitlines()
    folds = {tuple(l.split("\t")[:2]) for l in metrics[1:]}
    within = "leave one section out within a patient"
    c.check(folds == {("leave one patient out", "B"), ("leave one patient out", "C"), (within, "C2"),
                      (within, "C3"), (within, "C4"), (within, "C5")}, f"cross-validation folds {folds}")
    # B4 lacks one of the 250 genes chosen on C2-C5: the maps still compare the other 249
    c.check((tmp / "demo" / "maps" / "genes_measured_vs_predicted.png").exists(),
            f"no measured-vs-predicted gene maps for B4: {r.stdout[-1500:]}")
    c.check("train on C2, C3, C4, C5, predict B4 (patient B, never seen)" in r.stdout,
            f"demo step 3 does not predict the unseen patient: {r.stdout[-2000:]}")
    rows = {l.split()[0]: l.split() for l in r.stdout.splitlines() if l.strip()[:1] == "C"}
    c.check(rows.get("C2", [])[1:3] == ["187", "15706"], f"demo table row for C2: {r.stdout}")
    c.check(rows.get("C2", [""])[-2] == "50", f"demo scores 50 pathways: {r.stdout}")
    check_map_specificity(c, r.stdout, tmp / "demo")
    check_qupath_objects(c, r.stdout, tmp / "demo")

c.finish()
