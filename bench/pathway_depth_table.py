#!/usr/bin/env python3
"""Depth-robustness of the pathway scoring methods on every HER2ST section.

For each method and section, runs `stx score --json` and collects the mean over the 50
Hallmarks of |Pearson r| between scores and log library size (lower = more depth-robust)
and of Moran's I over adjacent spots (higher = more spatial structure). Prints Markdown:
a summary over sections, then the per-section table.

Usage: bench/pathway_depth_table.py STX [SHARED_DATA] > table.md
"""
import json
import pathlib
import statistics
import subprocess
import sys

METHODS = ["zmean", "control", "rank", "ssgsea", "ulm"]
stx = sys.argv[1]
shared = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/data")
sections = sorted(p.name.split(".")[0] for p in (shared / "her2st" / "counts").iterdir())

rows = {}
for s in sections:
    for m in METHODS:
        out = subprocess.run([stx, "score", str(shared / "her2st"), "--section", s, "--method", m,
                              "--json", "-q", "--tsv", "/dev/null", "--force"],
                             capture_output=True, text=True, check=True).stdout
        rows[s, m] = json.loads(out)

print("| method | mean abs depth r (mean over sections) | min - max | Moran's I (mean) | min - max | "
      "Moran's I of depth residuals (mean) | min - max | undefined |")
print("|---|---|---|---|---|---|---|---|")
for m in METHODS:
    r = [rows[s, m]["mean_abs_depth_r"] for s in sections]
    i = [rows[s, m]["mean_morans_i"] for s in sections]
    ri = [rows[s, m]["mean_residual_morans_i"] for s in sections]
    undefined = sum(rows[s, m]["undefined_qc_pathways"] for s in sections)
    print(f"| {m} | {statistics.mean(r):.3f} | {min(r):.3f} - {max(r):.3f} | "
          f"{statistics.mean(i):.3f} | {min(i):.3f} - {max(i):.3f} | "
          f"{statistics.mean(ri):.3f} | {min(ri):.3f} - {max(ri):.3f} | {undefined} |")
print()
print("| section | spots | " + " | ".join(f"{m} abs r / I / resid. I" for m in METHODS) + " |")
print("|---|---|" + "---|" * len(METHODS))
for s in sections:
    cells = [f"{rows[s, m]['mean_abs_depth_r']:.2f} / {rows[s, m]['mean_morans_i']:.2f} / "
             f"{rows[s, m]['mean_residual_morans_i']:.2f}" for m in METHODS]
    print(f"| {s} | {rows[s, METHODS[0]]['spots']} | " + " | ".join(cells) + " |")
