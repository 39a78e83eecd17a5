#!/usr/bin/env python3
"""How reproducible are the measured pathway maps themselves? A ceiling for map specificity.

Each section's counts are split into two halves by seeded binomial thinning (p = 0.5: two
independent half-depth measurements of the same spots), each half is scored with `stx score`
(the default method), and per pathway the two halves' maps are correlated over the spots:
- split-half r, and the Spearman-Brown reliability at full depth, 2r / (1 + r);
- own closest: how many of half A's 50 maps correlate more with half B's map of the same
  pathway than with half B's map of any other (what `stx evaluate` asks of a prediction);
- the half maps' mean |r| between pathways.
The halves share each spot's depth, so part of their agreement is depth.

Usage: pathway_map_reliability.py STX SHARED_DATA WORKDIR [SECTION ...] (default B4 C2 C3)"""
import subprocess
import sys
import pathlib

import anndata
import numpy as np
import pandas as pd


def colcorr(a, b):
    a = (a - a.mean(0)) / (a.std(0) + 1e-12)
    b = (b - b.mean(0)) / (b.std(0) + 1e-12)
    return a.T @ b / len(a)


def halves(stx, her2st, work, section):
    counts = pd.read_csv(her2st / "counts" / f"{section}.tsv.gz", sep="\t", index_col=0)
    a = np.random.default_rng(0).binomial(counts.values.astype(np.int64), 0.5)
    scored = []
    for name, m in (("A", a), ("B", counts.values - a)):
        table = work / f"{section}{name}.tsv.gz"
        pd.DataFrame(m, index=counts.index, columns=counts.columns).to_csv(table, sep="\t", compression="gzip")
        out = work / f"{section}{name}.h5ad"
        subprocess.run([stx, "-q", "score", str(table), "--spots", str(her2st / "spots" / f"{section}_selection.tsv"),
                        "-o", str(out), "--force"], check=True, stdout=subprocess.DEVNULL)
        scored.append(anndata.read_h5ad(out))
    return scored, float(np.median(counts.values.sum(1)))


def main():
    stx, shared, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    sections = sys.argv[4:] or ["B4", "C2", "C3"]
    work.mkdir(parents=True, exist_ok=True)
    print("| section | median UMIs | split-half r (mean) | full-depth reliability | own closest | half maps' mean \\|r\\| |")
    print("|---|---|---|---|---|---|")
    for s in sections:
        (a, b), depth = halves(stx, shared / "her2st", work, s)
        b = b[a.obs_names]
        ya, yb = (np.asarray(x.obsm["pathway_activity"], float) for x in (a, b))
        ok = np.isfinite(ya).all(1) & np.isfinite(yb).all(1)
        ya, yb = ya[ok], yb[ok]
        cross = colcorr(ya, yb)
        r, k = np.diag(cross), cross.shape[0]
        own = int(np.sum(cross.argmax(1) == np.arange(k)))
        between = (np.abs(colcorr(ya, ya)).sum() - k) / (k * (k - 1))
        print(f"| {s} | {depth:.0f} | {r.mean():.3f} | {np.mean(2 * r / (1 + r)):.3f} | {own} of {k} | {between:.3f} |")


if __name__ == "__main__":
    main()
