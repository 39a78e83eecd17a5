#!/usr/bin/env python3
"""The checks of `stx explain` (docs/explain.md) over every pathway of a model on one section:
for each pathway, the region is the 10 % of spots predicted highest (--top 0.1); prints the
completeness gap, the deletion curve's area against random deletion's and the randomised-weights
Spearman, for all pathways and for the ten whose region is furthest from the baseline (in
training sd). Usage: explain_checks.py STX MODEL SLIDE_ARGS... (e.g. demo/her2st --section B4)"""
import pathlib
import subprocess
import sys
import tempfile

import pandas as pd

stx, model, slide = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
with tempfile.TemporaryDirectory() as tmp:
    # the model's pathways, in its order: the first column of stx perturb's checks
    subprocess.run([stx, "perturb", "-m", model, "-o", tmp], capture_output=True, text=True, check=True)
    checks_of_model = pd.read_csv(pathlib.Path(tmp) / "perturbation_checks.tsv", sep="\t")
    for pathway in checks_of_model["pathway"]:
        out = pathlib.Path(tmp) / pathway
        r = subprocess.run([stx, "explain", *slide, "-m", model, "--pathway", pathway, "--top", "0.1", "-o", str(out),
                            "--threads", "2", "--cache-dir", str(pathlib.Path(tmp) / "cache")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{pathway}: {r.stderr}")
        rows.append(pd.read_csv(out / "attribution_checks.tsv", sep="\t"))
t = pd.concat(rows)
t["abs_change"] = t["change_in_training_sd"].abs()
top = t.nlargest(10, "abs_change")
for label, d in [("all 50 pathways", t), ("the 10 furthest from the baseline", top)]:
    print(f"{label}: |change| {d.abs_change.min():.2f}-{d.abs_change.max():.2f} sd; completeness gap max "
          f"{d.completeness_gap.max():.2e}; deletion area / random: median {d.deletion_ratio.median():.2f}, "
          f"min {d.deletion_ratio.min():.2f}, >= 1.5 in {(d.deletion_ratio >= 1.5).sum()} of {len(d)}; "
          f"randomised-weights Spearman: median {d.sanity_rank_correlation.median():.2f}, "
          f"max |.| {d.sanity_rank_correlation.abs().max():.2f}")
print(top[["pathway", "change_in_training_sd", "completeness_gap", "deletion_area", "random_deletion_area",
           "deletion_ratio", "sanity_rank_correlation"]].to_string(index=False))
