"""Shared helpers for the Python-side tests: run stx, parse legacy ST tables independently."""
import csv
import subprocess
import sys

import numpy as np
import pandas as pd


class Checks:
    """Counts assertions; prints a closing 'N passed, N failed' line and sets the exit code."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {self.name}: {what}", file=sys.stderr)

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed or not self.passed else 0)


def run(stx, *args, timeout=300, **kwargs):
    return subprocess.run([stx, *args], capture_output=True, text=True, timeout=timeout, **kwargs)


def parse_legacy_st(counts_path, spots_path):
    """Independent reading of a legacy ST section: (spot ids, genes, dense counts, spot rows)."""
    table = pd.read_csv(counts_path, sep="\t", index_col=0)
    genes = list(table.columns)
    ids = list(table.index)
    counts = table.to_numpy(dtype=np.float64)
    with open(spots_path) as f:
        spots = {f"{r['x']}x{r['y']}": r for r in csv.DictReader(f, delimiter="\t")
                 if r.get("selected", "1") == "1"}
    return ids, genes, counts, spots
