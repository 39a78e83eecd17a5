"""The published HER2ST gene protocol (HisToGene, Hist2ST, THItoGene, mclSTExp):
`stx evaluate --genes hvg785_genes.txt --target-norm log10-cp10k-over-genes` scores the 785
genes as log10(1 + 1e4 * count / the spot's count over those 785 genes). Checked through the
mean predictor, whose per-gene MSE on a held-out section is mean((y - training mean of y)^2):
NumPy computes it here from the raw counts, independently of stx.

Usage: her2st_protocol_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

import numpy as np
import pandas as pd

from common import Checks, run

stx, shared, source = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
her2st = shared / "her2st"
genes_file = her2st / "hvg785_genes.txt"
c = Checks("her2st-protocol")
tmp = pathlib.Path(tempfile.mkdtemp(prefix="stx-protocol-test-"))
genes = [g.strip() for g in genes_file.read_text().splitlines() if g.strip()]
c.check(len(genes) == 785, f"{len(genes)} genes in {genes_file}")


def targets(section):
    table = pd.read_csv(her2st / "counts" / f"{section}.tsv.gz", sep="\t", index_col=0)
    table = table[table.sum(axis=1) > 0]  # spots without counts are left out of training
    x = table[genes].to_numpy(dtype=np.float64)
    total = x.sum(axis=1, keepdims=True)
    return np.where(total > 0, np.log10(1 + 1e4 * x / np.where(total > 0, total, 1)), 0.0)


r = run(stx, "evaluate", str(her2st), "--sections", "C3,C4", "--genes", str(genes_file),
        "--target-norm", "log10-cp10k-over-genes", "--epochs", "1", "--ensemble", "1", "--threads", "2",
        "--cache-dir", str(tmp / "cache"), "-o", str(tmp / "eval"), timeout=600)
c.check(r.returncode == 0, f"evaluate exit {r.returncode}: {r.stderr[-600:]}")
if r.returncode == 0:
    cv = pd.read_csv(tmp / "eval" / "cv_metrics.tsv", sep="\t")
    y = {s: targets(s) for s in ("C3", "C4")}
    for held, train in (("C3", "C4"), ("C4", "C3")):
        expected = ((y[held] - y[train].mean(axis=0)) ** 2).mean(axis=0)
        rows = cv[(cv.fold == held) & (cv.method == "mean") & (cv.kind == "gene")].set_index("target")
        c.check(list(rows.index) == genes, f"{held}: the targets are not the 785 genes in file order")
        got = rows.loc[genes, "mse"].to_numpy()
        diff = np.max(np.abs(got - expected) / np.maximum(expected, 1e-12))
        c.check(diff < 1e-4, f"{held}: mean-predictor MSE differs from NumPy's by up to {diff:.2e} (relative)")
    r2 = run(stx, "evaluate", str(her2st), "--sections", "C3,C4", "--genes", str(genes_file), "--epochs", "1",
             "--ensemble", "1", "--threads", "2", "--cache-dir", str(tmp / "cache"), "-o", str(tmp / "default"),
             timeout=600)
    # the default scale (log1p of the total count) differs, so the comparison above can fail
    if r2.returncode == 0:
        cv2 = pd.read_csv(tmp / "default" / "cv_metrics.tsv", sep="\t")
        rows = cv2[(cv2.fold == "C3") & (cv2.method == "mean") & (cv2.kind == "gene")].set_index("target")
        expected = ((y["C3"] - y["C4"].mean(axis=0)) ** 2).mean(axis=0)
        c.check(np.max(np.abs(rows.loc[genes, "mse"].to_numpy() - expected)) > 1e-3,
                "the default target scale gives the same MSE as the HER2ST protocol's")
    else:
        c.check(False, f"evaluate at the default scale: exit {r2.returncode}: {r2.stderr[-400:]}")
r = run(stx, "evaluate", str(her2st), "--sections", "C3,C4", "--target-norm", "log2", "-o", str(tmp / "bad"))
c.check(r.returncode == 1 and "--target-norm" in r.stderr, f"bad --target-norm: {r.returncode} {r.stderr[-300:]}")
c.finish()
