"""`stx domains` and `stx report` end to end:
- domains of the pathologist-labelled HER2ST sections (A1, B1): the ARI in domains_metrics.tsv
  equals scikit-learn's adjusted_rand_score recomputed from domains.tsv, for every run; every
  spatial step gives domains more coherent in space than the same features without it; the
  per-domain pathway tests match scipy's Mann-Whitney U on the scores `stx score` writes;
- the report of a real (short) evaluation run loads in headless Chromium with no console
  errors, fetches nothing, and its screenshot is not blank;
- bad input: a report of a folder with no metrics, a bad --k, an existing output, an output
  folder that cannot be created.

Usage: domains_report_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

import anndata
import numpy as np
import pandas as pd
from PIL import Image
from sklearn.metrics import adjusted_rand_score

from common import Checks, run

stx, shared = sys.argv[1], pathlib.Path(sys.argv[2])
her2st = shared / "her2st"
c = Checks("domains-report")
tmp = pathlib.Path(tempfile.mkdtemp(prefix="stx-domains-test-"))
runs = tmp / "run"

# ---- domains -------------------------------------------------------------------------
r = run(stx, "domains", str(her2st), "--sections", "A1,B1", "-o", str(runs / "domains"))
c.check(r.returncode == 0, f"domains exit {r.returncode}: {r.stderr[-500:]}")
spots = pd.read_csv(runs / "domains" / "domains.tsv", sep="\t", keep_default_na=False)
metrics = pd.read_csv(runs / "domains" / "domains_metrics.tsv", sep="\t")
c.check(len(metrics) == 14, f"{len(metrics)} metric rows, expected 2 slides x 7 methods")
c.check(list(metrics[metrics.chosen == "yes"].drop_duplicates(["features", "spatial", "clustering"])
             [["features", "spatial", "clustering"]].iloc[0]) == ["expression PCA", "neighbours", "kmeans"],
        f"the chosen method is not the documented default: {metrics[metrics.chosen == 'yes']}")
c.check((metrics.groupby("slide").chosen.apply(lambda x: (x == "yes").sum()) == 1).all(), "one chosen run per slide")


def column_of(m):
    return "_".join(w for w in f"{m.features} {m.spatial} {m.clustering}".replace("+", " ").split())


for _, m in metrics.iterrows():
    s = spots[(spots.slide == m.slide) & (spots.label != "") & (spots.label != "undetermined")]
    reference = adjusted_rand_score(s.label, s[column_of(m)])
    c.check(abs(reference - m.ari) < 1e-4, f"{m.slide} {column_of(m)}: ARI {m.ari} vs sklearn {reference}")
    c.check(s[column_of(m)].nunique() == m.k, f"{m.slide}: k {m.k} not the number of domains")
    if m.chosen == "yes":
        c.check((spots[spots.slide == m.slide].domain == spots[spots.slide == m.slide][column_of(m)]).all(),
                f"{m.slide}: the domain column is not the chosen run")
    print(f"{m.slide:3} {column_of(m):48} k={m.k} ARI={m.ari:.3f} (sklearn {reference:.3f})")


def same_domain_neighbours(frame, column):
    """Share of adjacent spot pairs (array distance 1) in the same domain."""
    xy = {(int(a), int(b)): d for a, b, d in
          zip(frame.spot.str.split("x").str[0], frame.spot.str.split("x").str[1], frame[column])}
    same = total = 0
    for (x, y), d in xy.items():
        for n in ((x + 1, y), (x, y + 1)):
            if n in xy:
                total += 1
                same += xy[n] == d
    return same / total


for slide in ("A1", "B1"):
    frame = spots[spots.slide == slide]
    for spatial in ("expression_PCA_neighbours_kmeans", "expression_PCA_neighbours_potts", "pathways_smoothing_kmeans"):
        base = "pathways_none_kmeans" if spatial.startswith("pathways") else "expression_PCA_none_kmeans"
        if base not in frame:
            continue
        with_step, without = same_domain_neighbours(frame, spatial), same_domain_neighbours(frame, base)
        c.check(with_step > without, f"{slide}: {spatial} not more coherent than {base} ({with_step:.2f} vs {without:.2f})")
        print(f"{slide}: adjacent spots in the same domain {with_step:.2f} ({spatial}), {without:.2f} ({base})")
for name in ("domains_A1.png", "domain_heatmap_A1.png", "domain_heatmap_B1.png"):
    c.check((runs / "domains" / name).exists(), f"no {name}")

# Per-domain pathway tests: recomputed with scipy from the spots and the scores stx writes.
from scipy.stats import mannwhitneyu  # noqa: E402
tests = pd.read_csv(runs / "domains" / "domain_pathways.tsv", sep="\t")
c.check(len(tests) == 5 * 50 + 4 * 50, f"{len(tests)} domain x pathway rows, expected (5 + 4) x 50")
r = run(stx, "score", str(her2st), "--section", "B1", "-o", str(tmp / "B1_scores.h5ad"), "--threads", "2")
c.check(r.returncode == 0, f"score exit {r.returncode}: {r.stderr[-300:]}")
if r.returncode == 0:
    import anndata  # noqa: E402
    scored = anndata.read_h5ad(tmp / "B1_scores.h5ad")
    activity = pd.DataFrame(np.asarray(scored.obsm["pathway_activity"]), index=scored.obs_names,
                            columns=list(scored.uns["pathway_names"]))
    b1 = spots[spots.slide == "B1"].set_index("spot")
    for _, t in tests[(tests.slide == "B1")].sort_values("p").head(5).iterrows():
        values = activity.loc[b1.index, t.pathway]
        inside = values[b1.domain == t.domain]
        reference = mannwhitneyu(inside, values[b1.domain != t.domain], method="asymptotic")
        c.check(abs(np.log10(reference.pvalue) - np.log10(t.p)) < 1e-3 and
                abs(reference.statistic / (len(inside) * (len(values) - len(inside))) - t.auc) < 1e-4,
                f"B1 domain {t.domain} {t.pathway}: p {t.p} auc {t.auc} vs scipy {reference}")
        print(f"B1 domain {t.domain} {t.pathway}: p {t.p:.3g} (scipy {reference.pvalue:.3g}), AUC {t.auc:.3f}")
stability = pd.read_csv(runs / "domains" / "domains_stability.tsv", sep="\t")
c.check(list(stability.k) == [4, 5, 3, 4] and stability.ari.between(0, 1).all() and stability.nested.between(0, 1).all(),
        f"stability table: {stability.to_dict('list')}")

# A prediction: the .h5ad of `stx predict` is clustered on its predicted pathways by default,
# beside Hist2ST's protocol (k-means on the PCs of the predicted expression); no counts, so
# nothing is pooled.
r = run(stx, "-q", "train", str(her2st), "--sections", "C3,C4", "--epochs", "5", "--threads", "2",
        "--cache-dir", str(tmp / "cache"), "--out", str(tmp / "model"), "--print-every", "1")
c.check(r.returncode == 0, f"train exit {r.returncode}: {r.stderr[-500:]}")
c.check("epoch" not in r.stderr and "model 1/" not in r.stderr, f"stx -q train printed progress: {r.stderr[-500:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "model" / "model.pt"),
        "--cache-dir", str(tmp / "cache"), "-o", str(tmp / "C2_pred.h5ad"))
c.check(r.returncode == 0, f"predict exit {r.returncode}: {r.stderr[-500:]}")
c.check("closest to their own measured map" in r.stdout, f"predict on C2 (with counts) printed no map specificity: {r.stdout}")
c.check("outside the training domain" not in r.stderr, f"C2 (the training patient) called out of domain: {r.stderr}")
c2 = anndata.read_h5ad(tmp / "C2_pred.h5ad")
share = np.asarray(c2.obsm["stx_out_of_domain"])[:, 0]
c.check(share.shape == (c2.n_obs,) and np.median(share) < 0.1 and share.min() >= 0 and share.max() <= 1,
        f"C2's out-of-domain shares: median {np.median(share)}")


def altered_c2(name, image, scale):
    """A dataset folder with C2's counts and its H&E replaced (pixel coordinates scaled with it)."""
    root = tmp / name / "her2st"
    for sub in ("images", "spots", "counts"):
        (root / sub).mkdir(parents=True)
    (root / "counts" / "C2.tsv.gz").symlink_to((her2st / "counts" / "C2.tsv.gz").resolve())
    spots = pd.read_csv(her2st / "spots" / "C2_selection.tsv", sep="\t")
    spots["pixel_x"] *= scale
    spots["pixel_y"] *= scale
    spots.to_csv(root / "spots" / "C2_selection.tsv", sep="\t", index=False)
    image.save(root / "images" / "C2.jpg", quality=90)
    return root


# Out of the training domain: a colour-inverted C2 (its features) and C2 at 4x coarser pixels
# (2.75 um/px against the training sections' 0.69) are flagged on stderr; the share of each
# spot's features beyond 3 sd is in obsm and the TSV's last column.
he = Image.open(her2st / "images" / "C2.jpg").convert("RGB")
variants = {"inverted": altered_c2("inverted", Image.fromarray(255 - np.asarray(he)), 1.0),
            "4x coarser": altered_c2("coarse", he.resize((he.width // 4, he.height // 4), Image.LANCZOS), 0.25)}
for name, root in variants.items():
    out = tmp / f"{root.parent.name}.h5ad"
    r = run(stx, "predict", str(root), "--section", "C2", "-m", str(tmp / "model" / "model.pt"), "--cache-dir",
            str(tmp / "cache"), "-o", str(out), "--tsv", str(tmp / f"{root.parent.name}.tsv"))
    warned = [l for l in r.stderr.splitlines() if "outside the training domain" in l]
    expected = "sd of the model's training spots" if name == "inverted" else "coarser than the "
    c.check(r.returncode == 0 and len(warned) >= 1 and all(l.count("C2:") == 1 for l in warned)
            and any(expected in l for l in warned), f"{name} C2: {r.returncode} {r.stderr[-600:]}")
    if r.returncode == 0:
        share = np.asarray(anndata.read_h5ad(out).obsm["stx_out_of_domain"])[:, 0]
        tsv = pd.read_csv(tmp / f"{root.parent.name}.tsv", sep="\t")
        c.check(tsv.columns[-1] == "out_of_domain" and np.allclose(tsv["out_of_domain"], share, atol=1e-6)
                and (name != "inverted" or np.median(share) > 0.1),
                f"{name} C2: median share {np.median(share)}, TSV {list(tsv.columns[-2:])}")
r = run(stx, "domains", str(tmp / "C2_pred.h5ad"), "-o", str(tmp / "pred_domains"), "--k", "3")
c.check(r.returncode == 0, f"domains of a prediction exit {r.returncode}: {r.stderr[-500:]}")
if r.returncode == 0:
    pm = pd.read_csv(tmp / "pred_domains" / "domains_metrics.tsv", sep="\t")
    methods = list(zip(pm.features, pm.spatial, pm.clustering))
    c.check(methods[0] == ("predicted pathways", "smoothing", "kmeans") and list(pm.chosen) == ["yes"] + ["no"] * 6
            and methods[1] == ("predicted expression PCA", "none", "kmeans")
            and ("predicted expression PCA + predicted pathways", "smoothing", "kmeans") in methods
            and "neighbours" not in set(pm.spatial) and len(set(methods)) == 7 and (pm.k == 3).all(),
            f"domains of a prediction: {pm.to_dict('list')}")
    # no labels: the ARI is missing, spelled as in every TSV stx writes
    raw = (tmp / "pred_domains" / "domains_metrics.tsv").read_text()
    c.check(pm.ari.isna().all() and "\tNaN\t" in raw, f"a missing ARI is not written as NaN: {raw}")

# ---- report --------------------------------------------------------------------------
r = run(stx, "report", str(tmp / "empty"))
c.check(r.returncode == 2 and "not a run folder" in r.stderr, f"missing folder: {r.returncode} {r.stderr}")
r = run(stx, "report", str(runs))
c.check(r.returncode == 2 and "cv_metrics.tsv" in r.stderr and "stx evaluate" in r.stderr
        and r.stderr.count("\n") == 1, f"no metrics: {r.returncode} {r.stderr}")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3,C4", "--epochs", "5", "--threads", "2",
        "--cache-dir", str(tmp / "cache"), "-o", str(runs))
c.check(r.returncode == 0, f"evaluate exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "report", str(runs))
c.check(r.returncode == 0, f"report exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "report", str(runs))
c.check(r.returncode == 1 and "already exists" in r.stderr, f"existing report: {r.returncode} {r.stderr}")
page = (runs / "report.html").read_text()
c.check("http://" not in page and "https://" not in page, "the report references the network")
c.check(page.count("data:image/webp;base64,") == 4, "expected the two domain maps and two heatmaps embedded")
c.check("What sets each domain apart" in page and "Domains at neighbouring k" in page, "domain summaries missing")
c.check("HALLMARK_" in page and "ridge" in page and "quadflow" in page, "metrics tables missing")
c.check("<h3>Pathway activity, leave one section out within a patient</h3>" in page
        and "leave one patient out</h3>" not in page, "the report's tables do not name the protocol run")
# run folders from before map specificity (its three last columns) and from before the
# protocol column (the first) still report, the latter as one protocol
lines = [l.split("\t") for l in (runs / "cv_metrics.tsv").read_text().splitlines()]
for name, first, protocol in (("before_specificity", 0, "leave one section out within a patient"),
                              ("old_runs", 1, "leave one group out")):
    folder = tmp / name
    folder.mkdir()
    (folder / "cv_metrics.tsv").write_text("\n".join("\t".join(l[first:-3]) for l in lines) + "\n")
    r = run(stx, "report", str(folder))
    page = (folder / "report.html").read_text() if r.returncode == 0 else ""
    c.check(r.returncode == 0 and f"{protocol}</h3>" in page and "own map closest" in page,
            f"report of a metrics file from {name}: {r.returncode} {r.stderr[-300:]}")

chromium = shutil.which("chromium")
c.check(chromium is not None, "chromium is not installed (scripts/install-deps.sh --with-tests)")
if chromium:
    shot = tmp / "report.png"
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
                        f"--screenshot={shot}", (runs / "report.html").as_uri()],
                       capture_output=True, text=True, timeout=120)
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l]
    c.check(p.returncode == 0 and shot.exists(), f"chromium exit {p.returncode}: {p.stderr[-500:]}")
    c.check(not console, f"console messages: {console}")
    if shot.exists():
        img = np.asarray(Image.open(shot).convert("L"), dtype=float)
        dark = (img < 128).mean()
        c.check(img.std() > 20 and 0.005 < dark < 0.5, f"screenshot looks blank: sd {img.std():.1f}, dark {dark:.3f}")
        print(f"screenshot {img.shape}, sd {img.std():.1f}, dark share {dark:.3f}")

# ---- bad input -----------------------------------------------------------------------
r = run(stx, "domains", str(her2st), "--sections", "A1", "-o", str(tmp / "d2"), "--k", "one")
c.check(r.returncode == 1 and "--k" in r.stderr, f"bad --k: {r.returncode} {r.stderr}")
r = run(stx, "domains", str(her2st), "--sections", "A1,B1", "-o", str(runs / "domains"))
c.check(r.returncode == 1 and "--force" in r.stderr, f"existing domains: {r.returncode} {r.stderr}")
# Outputs that cannot be written: a folder below a regular file.
blocker = tmp / "a_file"
blocker.write_text("not a folder")
r = run(stx, "domains", str(her2st), "--sections", "A1", "-o", str(blocker / "domains"))
c.check(r.returncode == 2 and "cannot create the output folder" in r.stderr and r.stderr.count("\n") == 1,
        f"unwritable domains folder: {r.returncode} {r.stderr}")
r = run(stx, "report", str(runs), "-o", str(blocker / "report.html"))
c.check(r.returncode == 2 and "does not exist" in r.stderr, f"unwritable report: {r.returncode} {r.stderr}")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "-o", str(blocker / "cv"))
c.check(r.returncode == 2 and "cannot create the output folder" in r.stderr, f"unwritable evaluate: {r.returncode} {r.stderr}")
c.finish()
