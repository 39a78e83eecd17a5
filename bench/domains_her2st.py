#!/usr/bin/env python3
"""Evidence for the defaults of `stx domains`, on the eight pathologist-labelled HER2ST
sections (A1, B1, C1, D1, E1, F1, G2, H1: one section per patient).

Every method (features x spatial step x clustering) runs at each setting of its own parameters
(smoothing rounds, neighbour weight, Potts beta, the pathways' share of combined features) and
at five k-means seeds; a configuration's
ARI on a section is its mean over the seeds. Two figures come out:
- the table of all configurations, mean ARI over sections;
- leave one patient out: for each section, the configuration with the best mean ARI on the
  other seven is chosen, and its ARI on the held-out section is reported. The mean of those
  held-out ARIs is the honest estimate of what choosing a default this way is worth, next to
  the scanpy baseline (expression PCA, no spatial step, k-means) on the same spots.

Usage: bench/domains_her2st.py STX SHARED_DATA OUT_DIR   (about 10 minutes on 2 cores)
"""
import itertools
import pathlib
import subprocess
import sys

import pandas as pd

stx, shared, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
sections = "A1,B1,C1,D1,E1,F1,G2,H1"
seeds = range(5)
# (option, values): each changes only the methods that use it.
settings = [("--rounds", [1, 2, 3], "smoothing"), ("--neighbour-weight", [0.5, 1, 2], "neighbours"),
            ("--potts-beta", [0.5, 1, 2], "potts"), ("--pathway-share", [0.1, 0.25, 0.5, 1], "combined")]
defaults = {"--rounds": 2, "--neighbour-weight": 1, "--potts-beta": 1, "--pathway-share": 0.25}

rows = []
for (option, values, _), seed in itertools.product(settings, seeds):
    for v in values:
        args = dict(defaults, **{option: v})
        folder = out / f"{option.strip('-')}_{v}_seed{seed}"
        cmd = [stx, "domains", str(shared / "her2st"), "--sections", sections, "-o", str(folder),
               "--force", "--seed", str(seed)] + [str(x) for kv in args.items() for x in kv]
        subprocess.run(cmd, check=True, capture_output=True)
        m = pd.read_csv(folder / "domains_metrics.tsv", sep="\t")
        for _, r in m.iterrows():
            uses = {"smoothing": r.spatial == "smoothing", "neighbours": r.spatial == "neighbours",
                    "potts": r.clustering == "potts", "combined": "+" in r.features}
            parameters = ",".join(f"{o}={args[o]}" for o, _, what in settings if uses[what])
            rows.append(dict(slide=r.slide, seed=seed, method=f"{r.features}, {r.spatial}, {r.clustering}",
                             parameters=parameters or "-", ari=r.ari))

frame = pd.DataFrame(rows).drop_duplicates(["slide", "seed", "method", "parameters"])
table = frame.groupby(["method", "parameters", "slide"]).ari.mean().unstack("slide")
table["mean"] = table.mean(axis=1)
table = table.sort_values("mean", ascending=False)
pd.set_option("display.width", 200)
print(table.round(3).to_string())
table.round(4).to_csv(out / "configurations.tsv", sep="\t")

baseline = table.loc[("expression PCA, none, kmeans", "-")]
held = {}
for s in table.columns.drop("mean"):
    others = table.drop(columns=[s, "mean"]).mean(axis=1)
    best = others.idxmax()
    held[s] = (best, table.loc[best, s])
print("\nleave one patient out: configuration chosen on the other seven sections, ARI on the held-out one")
for s, (best, a) in held.items():
    print(f"  {s}: {best[0]} ({best[1]}) ARI {a:.3f}, baseline {baseline[s]:.3f}")
held_mean = sum(a for _, a in held.values()) / len(held)
print(f"held-out mean ARI {held_mean:.3f}; baseline mean {baseline['mean']:.3f}; "
      f"difference {held_mean - baseline['mean']:+.3f}")
