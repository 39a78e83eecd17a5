"""`stx domains` and `stx report` end to end:
- domains of the pathologist-labelled HER2ST sections (A1, B1): the ARI in domains_metrics.tsv
  equals scikit-learn's adjusted_rand_score recomputed from domains.tsv, for every run; the
  smoothed pathway domains are spatially more coherent than the unsmoothed ones;
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
columns = {("pathways", "yes"): "pathways", ("pathways", "no"): "pathways_unsmoothed",
           ("expression PCA", "yes"): "expression_PCA", ("expression PCA", "no"): "expression_PCA_unsmoothed"}
c.check(len(metrics) == 8, f"{len(metrics)} metric rows, expected 2 slides x 4 runs")
for _, m in metrics.iterrows():
    s = spots[(spots.slide == m.slide) & (spots.label != "") & (spots.label != "undetermined")]
    reference = adjusted_rand_score(s.label, s[columns[(m.features, m.smoothed)]])
    c.check(abs(reference - m.ari) < 1e-4, f"{m.slide} {m.features} {m.smoothed}: ARI {m.ari} vs sklearn {reference}")
    c.check(s[columns[(m.features, m.smoothed)]].nunique() == m.k, f"{m.slide}: k {m.k} not the number of domains")
    print(f"{m.slide:3} {m.features:15} smoothed={m.smoothed:3} k={m.k} ARI={m.ari:.3f} (sklearn {reference:.3f})")


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
    smooth, raw = same_domain_neighbours(frame, "pathways"), same_domain_neighbours(frame, "pathways_unsmoothed")
    c.check(smooth > raw, f"{slide}: smoothing did not make domains more coherent ({smooth:.2f} vs {raw:.2f})")
    print(f"{slide}: adjacent spots in the same domain {smooth:.2f} smoothed, {raw:.2f} unsmoothed")
c.check((runs / "domains" / "domains_A1.png").exists(), "no domains_A1.png")

# Predicted pathway activity: the .h5ad of `stx predict` is clustered on its obsm, without
# the expression baseline (its X is predicted, not counts).
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--epochs", "5", "--threads", "2",
        "--cache-dir", str(tmp / "cache"), "--out", str(tmp / "model"))
c.check(r.returncode == 0, f"train exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "model" / "model.pt"),
        "--cache-dir", str(tmp / "cache"), "-o", str(tmp / "C2_pred.h5ad"))
c.check(r.returncode == 0, f"predict exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "domains", str(tmp / "C2_pred.h5ad"), "-o", str(tmp / "pred_domains"), "--k", "3")
c.check(r.returncode == 0, f"domains of a prediction exit {r.returncode}: {r.stderr[-500:]}")
if r.returncode == 0:
    pm = pd.read_csv(tmp / "pred_domains" / "domains_metrics.tsv", sep="\t")
    c.check(list(pm.features) == ["predicted pathways"] * 2 and (pm.k == 3).all(),
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
c.check(page.count("data:image/webp;base64,") == 2, "expected the two domain figures embedded")
c.check("HALLMARK_" in page and "ridge" in page and "quadflow" in page, "metrics tables missing")
c.check("<h3>Pathway activity, leave one section out within a patient</h3>" in page
        and "leave one patient out</h3>" not in page, "the report's tables do not name the protocol run")
# a run folder from before the protocol column still reports, as one protocol
old_runs = tmp / "old_runs"
old_runs.mkdir()
lines = (runs / "cv_metrics.tsv").read_text().splitlines()
(old_runs / "cv_metrics.tsv").write_text("\n".join(l.split("\t", 1)[1] for l in lines) + "\n")
r = run(stx, "report", str(old_runs))
c.check(r.returncode == 0 and "leave one group out</h3>" in (old_runs / "report.html").read_text(),
        f"report of a metrics file without a protocol column: {r.returncode} {r.stderr[-300:]}")

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
