"""The depth-robust pathway scores (issue #27) against independent NumPy computations.

1. `--max-rank N`: AUCell within each spot's top N genes, computed here from a fixture whose
   spots have distinct counts (no ties, so the score is exact), and the default top 5 %.
2. `--thin-to N`: spots at or below N counts are scored exactly as without thinning; deeper
   spots change; the same seed gives the same scores, another seed others; the scores follow
   log depth less (|r| with log depth, computed here from the counts) on a real section.

Usage: depth_robust_scores_test.py STX SHARED_DATA SOURCE_DIR
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
c = Checks("depth-robust-scores")
rng = np.random.default_rng(5)
N_SPOTS, N_GENES = 30, 200
genes = [f"G{g}" for g in range(N_GENES)]
sets = {"SET_A": genes[0:40:2], "SET_B": genes[50:65], "SET_C": genes[120:200:4]}


def aucell(values, members, top):
    """AUC of the set's genes within ranks 1..top-1 of one spot (no ties), over its maximum."""
    order = np.argsort(-values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(1, len(values) + 1)
    auc = sum(top - rank[g] for g in members if rank[g] < top)
    best = sum(top - i for i in range(1, min(len(members), top - 1) + 1))
    return auc / best


def read_tsv(path):
    return pd.read_csv(path, sep="\t", index_col=0)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    counts = np.stack([rng.permutation(N_GENES) + 1 for _ in range(N_SPOTS)]).astype(np.float32)
    adata = anndata.AnnData(X=counts, obs=pd.DataFrame(index=[f"s{i}" for i in range(N_SPOTS)]),
                            var=pd.DataFrame(index=genes))
    adata.obsm["spatial"] = np.stack([np.arange(N_SPOTS) % 6 * 100.0, np.arange(N_SPOTS) // 6 * 100.0], 1)
    adata.write_h5ad(tmp / "distinct.h5ad")
    gmt = tmp / "sets.gmt"
    gmt.write_text("".join(f"{name}\tfixture\t" + "\t".join(members) + "\n" for name, members in sets.items()))
    index = {g: i for i, g in enumerate(genes)}
    for max_rank, top in ((25, 25), (0, int(np.ceil(0.05 * N_GENES)))):
        out = tmp / f"rank{max_rank}.tsv"
        r = run(stx, "score", str(tmp / "distinct.h5ad"), "--genesets", str(gmt), "--min-genes", "5",
                "--method", "rank", "--max-rank", str(max_rank), "--tsv", str(out), "-q")
        c.check(r.returncode == 0, f"stx score --max-rank {max_rank}: {r.stderr}")
        if r.returncode != 0:
            continue
        ours = read_tsv(out)
        worst = 0.0
        for name, members in sets.items():
            expected = [aucell(counts[i], [index[g] for g in members], top) for i in range(N_SPOTS)]
            worst = max(worst, float(np.max(np.abs(ours[name].to_numpy() - expected))))
        c.check(worst < 1e-5, f"--max-rank {max_rank} (top {top}): max |stx - NumPy AUCell| {worst:.2e}")
        print(f"--max-rank {max_rank}: top {top} genes, max |stx - NumPy| {worst:.1e}")
    r = run(stx, "score", str(tmp / "distinct.h5ad"), "--genesets", str(gmt), "--min-genes", "5",
            "--method", "zmean", "--max-rank", "25", "--tsv", str(tmp / "x.tsv"), "-q")
    c.check(r.returncode == 1 and "--max-rank applies to --method rank" in r.stderr,
            f"--max-rank with zmean is refused: {r.returncode} {r.stderr}")

    # Thinning on a real section with shallow and deep spots (B4: median 648 counts).
    def score_b4(name, *extra):
        out = tmp / f"{name}.tsv"
        r = run(stx, "score", str(shared / "her2st"), "--section", "B4", "--tsv", str(out), "-q", *extra)
        c.check(r.returncode == 0, f"stx score B4 {extra}: {r.stderr}")
        return read_tsv(out) if r.returncode == 0 else None

    target = 800
    plain, thinned = score_b4("plain"), score_b4("thin", "--thin-to", str(target))
    again, other = score_b4("again", "--thin-to", str(target)), score_b4("other", "--thin-to", str(target), "--seed", "9")
    table = pd.read_csv(shared / "her2st" / "counts" / "B4.tsv.gz", sep="\t", index_col=0)
    depth = table.sum(axis=1).reindex(plain.index).to_numpy()
    c.check(not np.isnan(depth).any(), "every scored spot found in the counts table")
    shallow = depth <= target
    print(f"B4: {shallow.sum()} of {len(depth)} spots at or below {target} counts")
    c.check(0 < shallow.sum() < len(depth), "B4 has spots on both sides of the target")
    c.check(np.array_equal(plain.to_numpy()[shallow], thinned.to_numpy()[shallow]),
            "spots at or below the target score exactly as without thinning")
    changed = np.mean(np.any(plain.to_numpy()[~shallow] != thinned.to_numpy()[~shallow], axis=1))
    c.check(changed > 0.9, f"deeper spots change ({changed:.2f} of them)")
    c.check(thinned.equals(again), "the same seed gives the same scores")
    c.check(not thinned.equals(other), "another seed gives other scores")

    def depth_r(scores):
        log_depth = np.log(depth)
        return np.mean([abs(np.corrcoef(log_depth, scores[p])[0, 1]) for p in scores.columns])

    before, after = depth_r(plain), depth_r(thinned)
    print(f"B4 mean |r| with log depth: {before:.3f} plain, {after:.3f} thinned to {target}")
    c.check(after < before - 0.05, f"thinning lowers the scores' depth |r| ({before:.3f} -> {after:.3f})")

c.finish()
