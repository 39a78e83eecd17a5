#!/usr/bin/env python3
"""Per fold and method, from one or more `stx evaluate` run folders' cv_metrics.tsv: mean r,
partial r given depth, the predicted maps' mean |r| between maps beside the measured maps', and
how many predictions are closest to their own measured map. cv_summary.md averages the folds of
a protocol; this shows each held-out patient or section on its own line.

Usage: cv_fold_table.py RUN [RUN ...] [--kind pathway|gene] [--fold B] [--method quadflow]"""
import argparse
import csv
import math
import pathlib


def mean(values):
    v = [x for x in values if math.isfinite(x)]
    return sum(v) / len(v) if v else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--kind", default="pathway")
    ap.add_argument("--fold", action="append")
    ap.add_argument("--method", action="append")
    a = ap.parse_args()
    print("| run | fold | method | mean r | partial r | maps' mean \\|r\\| | measured | own closest |")
    print("|---|---|---|---|---|---|---|---|")
    for run in a.runs:
        groups = {}
        with open(pathlib.Path(run) / "cv_metrics.tsv", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["kind"] != a.kind or (a.fold and row["fold"] not in a.fold) or \
                        (a.method and row["method"] not in a.method):
                    continue
                groups.setdefault((row["fold"], row["method"]), []).append(row)
        for (fold, method), rows in groups.items():
            num = lambda key: [float(r[key]) for r in rows]
            closest = [r["closest_measured_map"] for r in rows if r["closest_measured_map"] != "NaN"]
            own = sum(r["closest_measured_map"] == r["target"] for r in rows)
            print(f"| {pathlib.Path(run).name} | {fold} | {method} | {mean(num('pearson_r')):.3f} | "
                  f"{mean(num('partial_r_given_depth')):.3f} | "
                  f"{mean(num('mean_abs_r_with_other_predicted_maps')):.3f} | "
                  f"{mean(num('mean_abs_r_with_other_measured_maps')):.3f} | {own} of {len(closest)} |")


if __name__ == "__main__":
    main()
