"""stx's `control` score against an independent NumPy/pandas implementation of scanpy's
tl.score_genes (1.9) on a real HER2ST section, given the control genes stx drew (recorded in
uns['pathway_control_genes']). Checks that the controls come from the right expression bins
and that scores agree to 1e-5.

Usage: control_parity_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "cli"))
import anndata
import numpy as np
import pandas as pd
from common import Checks, run

stx, shared = sys.argv[1], pathlib.Path(sys.argv[2])
c = Checks("control-parity")
N_BINS, CTRL_SIZE = 25, 50

with tempfile.TemporaryDirectory() as tmp:
    out = pathlib.Path(tmp) / "C3.h5ad"
    r = run(stx, "score", str(shared / "her2st"), "--section", "C3", "--method", "control",
            "--seed", "3", "-o", str(out), "-q")
    c.check(r.returncode == 0, f"stx score: {r.stderr}")
    a = anndata.read_h5ad(out)

counts = a.X.toarray().astype(np.float64)
x = np.log1p(counts / counts.sum(axis=1, keepdims=True) * 1e4)
genes = pd.Index(a.var_names)
# scanpy: bins of the genes' mean expression, rank(method="min") // round(G / (n_bins - 1)).
obs_avg = pd.Series(x.mean(axis=0), index=genes)
n_items = int(np.round(len(obs_avg) / (N_BINS - 1)))
obs_cut = obs_avg.rank(method="min") // n_items

sets = {}
for line in (shared / "genesets" / "h.all.v7.0.symbols.gmt").read_text().splitlines():
    f = line.split("\t")
    sets[f[0]] = [g for g in dict.fromkeys(f[2:]) if g in genes]

ours = a.obsm["pathway_activity"]
names = list(a.uns["pathway_names"])
worst = 0.0
for p, name in enumerate(names):
    members = sets[name]
    controls = list(a.uns["pathway_control_genes"][name])
    c.check(not set(controls) & set(members), f"{name}: controls overlap the set")
    bins_hit = set(obs_cut[members])
    c.check(set(obs_cut[controls]) <= bins_hit, f"{name}: a control gene outside the set's bins")
    for b in bins_hit:
        in_bin = set(obs_cut.index[obs_cut == b])
        drawn = len(set(controls) & in_bin)
        expected_max = min(CTRL_SIZE, len(in_bin))
        expected_min = expected_max - len(in_bin & set(members))
        c.check(expected_min <= drawn <= expected_max,
                f"{name}, bin {b}: {drawn} controls, expected {expected_min}..{expected_max}")
    ref = x[:, genes.get_indexer(members)].mean(axis=1) - x[:, genes.get_indexer(controls)].mean(axis=1)
    diff = float(np.max(np.abs(ours[:, p] - ref)))
    worst = max(worst, diff)
    c.check(diff <= 1e-5, f"{name}: max abs difference {diff:.3g}")
print(f"control parity on C3: {len(names)} pathways, max abs difference {worst:.3g}")
c.finish()
