"""`stx perturb` (#30 item 1) on the shipped model, checked as a user would: every pathway's
AUROC recomputed with scikit-learn from the gene table, set membership against the Hallmark GMT
itself, changes = through sets + through residual, ranked largest rise first, proportional to
--shift; the control near 0.5; bad requests refused in one line with exit 1.

Usage: perturb_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import numpy as np
import pandas as pd
from PIL import Image
from common import Checks, run
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("perturb")
gmt = {}
for line in (source / "data/genesets/h.all.v7.0.symbols.gmt").read_text().splitlines():
    fields = line.split("\t")
    gmt[fields[0]] = set(fields[2:])

with tempfile.TemporaryDirectory() as tmp:
    out = pathlib.Path(tmp) / "all"
    r = run(stx, "perturb", "-o", str(out))
    c.check(r.returncode == 0, f"stx perturb failed: {r.stderr}")
    genes = pd.read_csv(out / "perturbation_genes.tsv", sep="\t")
    checks = pd.read_csv(out / "perturbation_checks.tsv", sep="\t")
    c.check(len(checks) == 50 and genes["pathway"].nunique() == 50, "50 pathways in both tables")
    c.check(len(genes) == 50 * 250, f"{len(genes)} gene rows, expected 50 x 250")
    for pathway, rows in genes.groupby("pathway", sort=False):
        row = checks.set_index("pathway").loc[pathway]
        member = rows["gene"].isin(gmt[pathway]).astype(int)
        c.check((member.values == rows["in_set"].values).all(), f"{pathway}: in_set differs from the GMT")
        c.check(int(row["set_genes"]) == member.sum(), f"{pathway}: set_genes {row['set_genes']} vs {member.sum()}")
        size = rows["change"].abs().values
        if 0 < member.sum() < len(member):
            auc = roc_auc_score(member, size)
            c.check(abs(auc - row["auroc"]) < 1e-4, f"{pathway}: AUROC {row['auroc']} vs scikit-learn {auc}")
        outside = size[member.values == 0].max()
        c.check(abs(outside - row["largest_change_outside_set"]) <= 1e-5 * max(1, outside),
                f"{pathway}: largest change outside the set {row['largest_change_outside_set']} vs {outside}")
        c.check(np.allclose(rows["change"], rows["through_sets"] + rows["through_residual"], rtol=1e-4, atol=2e-6),
                f"{pathway}: change is not the sum of its two paths")
        c.check((np.diff(rows["change"].values) <= 0).all() and (rows["rank"].values == np.arange(1, 251)).all(),
                f"{pathway}: not ranked largest rise first")
        c.check((rows.loc[member.values == 0, "through_sets"] == 0).all(), f"{pathway}: the set-tied path leaves the set")
    median_auc, median_control = checks["auroc"].median(), checks["auroc_shuffled_set"].median()
    c.check(median_auc >= 0.9, f"median AUROC {median_auc} below 0.9")
    c.check(abs(median_control - 0.5) <= 0.05, f"random-set control {median_control} not within 0.5 +- 0.05")
    c.check(f"{median_auc:.3f}" in r.stdout and f"{median_control:.3f}" in r.stdout, "stdout states both medians")
    c.check(list(out.glob("*.png")) == [out / "pathway_coupling.png"] and "--pathway for a figure" in r.stdout,
            "all pathways: no gene figures, the coupling figure")
    # the learned P<->P coupling: a distribution per pathway; its overlap column is the Jaccard
    # index of the GMT's sets; the Spearman stdout states is scipy's over the distinct pairs
    coupling = pd.read_csv(out / "pathway_coupling.tsv", sep="\t")
    c.check(len(coupling) == 50 * 50 and np.allclose(coupling.groupby("pathway")["attention"].sum(), 1, atol=1e-4),
            "coupling: 2500 pairs, each pathway's attention sums to 1")
    jaccard = [len(gmt[a] & gmt[b]) / len(gmt[a] | gmt[b]) for a, b in zip(coupling["pathway"], coupling["attends_to"])]
    c.check(np.allclose(coupling["gene_set_overlap"], jaccard, atol=1e-6), "coupling: overlap is not the GMT's Jaccard index")
    distinct = coupling[coupling["pathway"] != coupling["attends_to"]]
    rho = spearmanr(distinct["attention"], distinct["gene_set_overlap"]).correlation
    c.check(f"Spearman {rho:.2f} with the gene-set overlap" in r.stdout, f"coupling Spearman {rho:.2f} not on stdout")

    # --shift 2 doubles every change; the HALLMARK_ prefix may be left out
    r = run(stx, "perturb", "--pathway", "HYPOXIA,HALLMARK_GLYCOLYSIS", "--shift", "2", "-o", str(pathlib.Path(tmp) / "two"))
    c.check(r.returncode == 0, f"--shift 2 failed: {r.stderr}")
    two = pd.read_csv(pathlib.Path(tmp) / "two/perturbation_genes.tsv", sep="\t")
    c.check(sorted(two["pathway"].unique()) == ["HALLMARK_GLYCOLYSIS", "HALLMARK_HYPOXIA"], "the two pathways asked for")
    one = genes[genes["pathway"].isin(["HALLMARK_HYPOXIA", "HALLMARK_GLYCOLYSIS"])]
    joined = two.merge(one, on=["pathway", "gene"], suffixes=("_2", "_1"))
    c.check(len(joined) == 500 and np.allclose(joined["change_2"], 2 * joined["change_1"], rtol=1e-4, atol=2e-6),
            "--shift 2 does not double the changes")
    for name in ["HALLMARK_GLYCOLYSIS", "HALLMARK_HYPOXIA"]:  # a figure of each pathway named
        png = pathlib.Path(tmp) / "two" / f"perturbation_{name}.png"
        c.check(png.exists() and Image.open(png).size[0] > 400 and Image.open(png).size[1] > 24 * 18,
                f"{png.name}: missing or too small for 24 genes")

    # bad requests: one line naming the option, exit 1, nothing written
    for args, words in [(["--pathway", "NOT_A_PATHWAY"], "no pathway 'NOT_A_PATHWAY'"),
                        (["--shift", "0"], "--shift"), (["--shift", "nan"], "--shift")]:
        bad = pathlib.Path(tmp) / "bad"
        r = run(stx, "perturb", *args, "-o", str(bad))
        c.check(r.returncode == 1 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1,
                f"{args}: rc {r.returncode}, stderr {r.stderr!r}")
        c.check(not (bad / "perturbation_genes.tsv").exists(), f"{args}: wrote a table")
    r = run(stx, "perturb", "-o", str(out))
    c.check(r.returncode == 1 and "--force" in r.stderr, "an existing table is kept without --force")
    r = run(stx, "perturb", "-m", str(pathlib.Path(tmp) / "missing.pt"), "-o", str(pathlib.Path(tmp) / "m"))
    c.check(r.returncode == 1 and "missing.pt" in r.stderr, f"a missing model: {r.stderr!r}")
c.finish()
