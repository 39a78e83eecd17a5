#!/usr/bin/env python3
"""Builds the pathway-scoring benchmark matrix from real HER2ST spots (seeded).

4,000 spots (with counts) sampled from all 34 sections x the 15,000 genes detected in the most sections
(all Hallmark genes present in the data are kept first), raw counts. Writes
  OUT/score_4000x15000.h5ad   for stx (AnnData, csr counts)
  OUT/score_4000x15000.mtx    for R (MatrixMarket, genes x spots, with .genes/.spots lists)

Usage: bench/make_score_matrix.py [SHARED_DATA] [OUT]   (defaults: ../shared/data, build/bench)
"""
import pathlib
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse as sp

shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
out = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "build/bench")
out.mkdir(parents=True, exist_ok=True)
N_SPOTS, N_GENES = 4000, 15000

tables = [pd.read_csv(p, sep="\t", index_col=0).add_prefix("")
          for p in sorted((shared / "her2st" / "counts").glob("*.tsv.gz"))]
tables = [t.set_axis([f"{i}_{s}" for s in t.index], axis=0) for i, t in enumerate(tables)]
hallmark = set()
for line in (shared / "genesets" / "h.all.v7.0.symbols.gmt").read_text().splitlines():
    hallmark.update(line.split("\t")[2:])
presence = pd.concat([pd.Series(1, index=t.columns) for t in tables], axis=1).fillna(0).sum(axis=1)
order = sorted(presence.index, key=lambda g: (g not in hallmark, -presence[g], g))
genes = order[:N_GENES]
counts = pd.concat([t.reindex(columns=genes, fill_value=0) for t in tables]).fillna(0)
# A spot with no counts in these genes makes R's log-normalised column NaN, which turns every
# GSVA score NA; stx flags such spots instead. Sample from the spots that have counts.
counts = counts[counts.sum(axis=1) > 0]
rng = np.random.default_rng(7)
counts = counts.iloc[np.sort(rng.choice(len(counts), N_SPOTS, replace=False))]
x = sp.csr_matrix(counts.to_numpy(dtype=np.float32))
anndata.AnnData(X=x, obs=pd.DataFrame(index=counts.index), var=pd.DataFrame(index=genes)).write_h5ad(
    out / "score_4000x15000.h5ad")
scipy.io.mmwrite(str(out / "score_4000x15000.mtx"), x.T.tocoo().astype(np.int64), field="integer")
(out / "score_4000x15000.genes").write_text("\n".join(genes) + "\n")
(out / "score_4000x15000.spots").write_text("\n".join(counts.index) + "\n")
print(f"{x.shape[0]} spots x {x.shape[1]} genes, {x.nnz} non-zeros, "
      f"{len(hallmark & set(genes))} Hallmark genes -> {out}")
