"""The cohort tables from every predicted slide's TSV (one row per spot: spot, x_px, y_px, then
the predicted pathway activities HALLMARK_* and genes):
- pathway_activity.tsv: one row per slide, the mean predicted activity of each pathway;
- slides.tsv: one row per slide: sample, patient, spots, and its three most active pathways
  relative to the cohort (the largest mean z-score against the other slides).
Each is written to a temporary name and renamed, as stx writes its own outputs."""
import os

import pandas as pd

samples, patients = snakemake.params.samples, snakemake.params.patients  # noqa: F821 (Snakemake's)
means, spots = {}, {}
for sample, path in zip(samples, snakemake.input):  # noqa: F821
    table = pd.read_csv(path, sep="\t", index_col=0)
    pathways = [c for c in table.columns if c.startswith("HALLMARK_")]
    means[sample] = table[pathways].mean()
    spots[sample] = len(table)
activity = pd.DataFrame(means).T
activity.index.name = "sample"
z = (activity - activity.mean()) / activity.std(ddof=0).replace(0, 1)
summary = pd.DataFrame({
    "sample": samples,
    "patient": patients,
    "spots": [spots[s] for s in samples],
    "top_pathways": [",".join(z.loc[s].sort_values(ascending=False).index[:3].str.removeprefix("HALLMARK_"))
                     for s in samples],
})


def write(frame, path, **kwargs):
    frame.to_csv(path + ".part", sep="\t", float_format="%.6g", **kwargs)
    os.replace(path + ".part", path)


write(activity, snakemake.output.activity)  # noqa: F821
write(summary, snakemake.output.slides, index=False)  # noqa: F821
