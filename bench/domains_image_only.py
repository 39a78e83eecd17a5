#!/usr/bin/env python3
"""Evidence for the features of `stx domains` on a prediction (an image-only slide).

No pathologist-labelled HER2ST section has its H&E here, so the measure is a proxy: how well
the domains clustered from a prediction agree (adjusted Rand index) with the default domains
of the same section's measured expression. Three sections with an H&E are each predicted by a
model trained without them: B4 (patient B) by a model of patient C's four sections, C2 and C4
by models of the other three imaged sections. Each prediction and its measured counterpart
are clustered at k = 3, 4, 5 and 6; every method of the prediction's table (predicted
pathways, Hist2ST's protocol of k-means on the PCs of predicted expression, both together,
with and without smoothing and Potts) is compared with three domains of the measured data:
the default (pooled expression PCs, k-means), the same with the measured pathways beside
the PCs (which favours the predicted pathways: the model was trained to predict them), and
scanpy's baseline (unpooled PCs).

Usage: bench/domains_image_only.py STX SHARED_DATA OUT_DIR   (about 8 minutes on 2 cores)
"""
import pathlib
import subprocess
import sys

import pandas as pd
from sklearn.metrics import adjusted_rand_score

stx, shared, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
her2st = shared / "her2st"
held_out = {"B4": "C2,C3,C4,C5", "C2": "C3,C4,C5,B4", "C4": "C2,C3,C5,B4"}
ks = [3, 4, 5, 6]
# columns of the measured domains.tsv: the default, with the pathways, scanpy's baseline
references = {"domain": "default domains (expression PCA, neighbours, kmeans)",
              "expression_PCA_pathways_neighbours_kmeans": "expression + pathways (neighbours, kmeans)",
              "expression_PCA_none_kmeans": "scanpy baseline (expression PCA, none, kmeans)"}
out.mkdir(parents=True, exist_ok=True)
cache = out / "cache"


def stx_run(*args):
    subprocess.run([stx, *map(str, args)], check=True, capture_output=True)


rows = []
for section, train_on in held_out.items():
    model = out / f"model_without_{section}"
    stx_run("train", her2st, "--sections", train_on, "--threads", "2", "--cache-dir", cache, "--out", model, "-q")
    prediction = out / f"{section}_predicted.h5ad"
    stx_run("predict", her2st, "--section", section, "-m", model / "model.pt", "--cache-dir", cache, "-o", prediction)
    for k in ks:
        predicted, measured = out / f"predicted_{section}_k{k}", out / f"measured_{section}_k{k}"
        stx_run("domains", prediction, "-o", predicted, "--k", k, "--force")
        stx_run("domains", her2st, "--sections", section, "-o", measured, "--k", k, "--force")
        p = pd.read_csv(predicted / "domains.tsv", sep="\t").set_index("spot")
        m = pd.read_csv(measured / "domains.tsv", sep="\t").set_index("spot")
        metrics = pd.read_csv(predicted / "domains_metrics.tsv", sep="\t")
        common = p.index.intersection(m.index)
        # domains.tsv: the chosen run ('domain'), then one column per run in the metrics' order
        for column, (_, r) in zip(p.columns[p.columns.get_loc("domain") + 1:], metrics.iterrows()):
            for reference in references:
                rows.append(dict(section=section, k=k, method=f"{r.features}, {r.spatial}, {r.clustering}",
                                 reference=reference,
                                 ari=adjusted_rand_score(m.loc[common, reference], p.loc[common, column])))

frame = pd.DataFrame(rows)
pd.set_option("display.width", 200)
for reference, what in references.items():
    table = frame[frame.reference == reference].groupby(["method", "section"]).ari.mean().unstack("section")
    table["mean"] = table.mean(axis=1)
    table = table.sort_values("mean", ascending=False)
    print(f"\nARI with the measured {what}, mean over k = 3-6")
    print(table.round(3).to_string())
    table.round(4).to_csv(out / f"image_only_vs_{reference}.tsv", sep="\t")
