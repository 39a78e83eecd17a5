"""`stx explain` (#30 item 2) on the shipped model and demo section B4, checked as a user would:
the region of --top 0.1 is the 10 % of spots with the highest predicted activity, and that
activity is the one `stx predict` writes; the attributions add up (per spot, per feature, and
to the activity's change from the baseline within 1e-3); the deletion curve starts at the
activity and ends at the baseline, and its area is recomputed from the curve; bad requests are
refused in one line with exit 1 and nothing written.

Usage: explain_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import anndata
import numpy as np
import pandas as pd
from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("explain")
demo = str(source / "demo" / "her2st")
PATHWAY = "HALLMARK_ESTROGEN_RESPONSE_EARLY"

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    common = ["--section", "B4", "--cache-dir", str(tmp / "cache"), "--threads", "1"]  # ctest runs two at once
    r = run(stx, "explain", demo, *common, "--pathway", "ESTROGEN_RESPONSE_EARLY", "--top", "0.1", "-o", str(tmp / "ex"))
    c.check(r.returncode == 0, f"stx explain failed: {r.stderr}")
    spots = pd.read_csv(tmp / "ex/attribution_spots.tsv", sep="\t")
    features = pd.read_csv(tmp / "ex/attribution_features.tsv", sep="\t")
    deletion = pd.read_csv(tmp / "ex/attribution_deletion.tsv", sep="\t")
    checks = pd.read_csv(tmp / "ex/attribution_checks.tsv", sep="\t").iloc[0]
    c.check((tmp / "ex/attribution.png").stat().st_size > 10000, "the figure is written")
    c.check(len(spots) == 283 and len(features) == 60 and len(deletion) == 11, "283 spots, 60 features, 11 points")
    c.check(checks["pathway"] == PATHWAY and checks["region_spots"] == spots["in_region"].sum() == 28,
            f"region: {checks['region_spots']} spots")

    c.check(f"{checks['deletion_area']:.2f} of the way" in r.stdout and "completeness gap" in r.stdout,
            f"stdout states the checks: {r.stdout}")
    r = run(stx, "predict", demo, *common, "-o", str(tmp / "b4.h5ad"))
    c.check(r.returncode == 0, f"stx predict failed: {r.stderr}")
    a = anndata.read_h5ad(tmp / "b4.h5ad")
    column = [str(x) for x in a.uns["pathway_names"]].index(PATHWAY)
    predicted = pd.DataFrame(np.asarray(a.obsm["pathway_activity"]), index=a.obs_names)
    expected = predicted.loc[spots["spot"].astype(str), column].to_numpy()
    c.check(np.allclose(spots["predicted_activity"], expected, rtol=1e-4, atol=1e-6),
            "predicted_activity differs from stx predict's")
    threshold = np.sort(expected)[::-1][27]
    c.check(((expected >= threshold) == (spots["in_region"] == 1)).all(), "the region is not the top 10 %")
    c.check(abs(expected[spots["in_region"] == 1].mean() - checks["activity"]) < 1e-5,
            f"activity {checks['activity']} is not the region's mean prediction")

    total = spots["attribution"].sum()
    c.check(abs(total - checks["attribution_sum"]) < 1e-5 * max(1, abs(total)), "per-spot sum")
    c.check(abs(features["attribution"].sum() - total) < 1e-5, "per-feature sum = per-spot sum")
    gap = abs(total - (checks["activity"] - checks["baseline_activity"]))
    c.check(gap < 1e-3 and abs(gap - checks["completeness_gap"]) < 1e-6, f"completeness gap {gap}")
    c.check(abs(deletion.iloc[0, 1] - checks["activity"]) < 1e-5 and abs(deletion.iloc[-1, 1] - checks["baseline_activity"]) < 1e-5,
            "the deletion curve runs from the activity to the baseline")
    change = checks["activity"] - checks["baseline_activity"]
    area = ((checks["activity"] - deletion.iloc[:, 1]) / change).mean()
    random_area = ((checks["activity"] - deletion.iloc[:, 2]) / change).mean()
    c.check(abs(area - checks["deletion_area"]) < 1e-4 and abs(random_area - checks["random_deletion_area"]) < 1e-4,
            f"deletion areas {checks['deletion_area']}, {checks['random_deletion_area']} vs {area}, {random_area}")
    r2 = run(stx, "explain", demo, *common, "--pathway", "ESTROGEN_RESPONSE_EARLY", "--top", "0.1", "-o", str(tmp / "ex"))
    c.check(r2.returncode == 1 and "--force" in r2.stderr, "an existing explanation is kept without --force")

    for args, words in [(["--pathway", "NOT_A_PATHWAY"], "no pathway 'NOT_A_PATHWAY'"),
                        (["--pathway", "HYPOXIA", "--top", "0.1", "--region", "0,0,100,100"], "--region and --top"),
                        (["--pathway", "HYPOXIA", "--region", "900000,900000,10,10"], "no spot"),
                        (["--pathway", "HYPOXIA", "--top", "2"], "--top")]:
        bad = tmp / "bad"
        r = run(stx, "explain", demo, *common, *args, "-o", str(bad))
        c.check(r.returncode == 1 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1,
                f"{args}: rc {r.returncode}, stderr {r.stderr!r}")
        c.check(not (bad / "attribution_checks.tsv").exists(), f"{args}: wrote a table")
    r = run(stx, "explain", demo, *common, "-o", str(tmp / "nopw"))
    c.check(r.returncode != 0 and "--pathway" in r.stderr, "--pathway is required")
c.finish()
