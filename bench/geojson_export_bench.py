#!/usr/bin/env python3
"""Time and peak memory of `stx export --geojson` on a synthetic prediction .h5ad of N spots
(50 pathways, G predicted genes): whether the QuPath export streams. Prints one line per N.

Usage: bench/geojson_export_bench.py STX [--spots 10000,100000] [--genes 250] [--work /tmp/geojson-bench]
Needs python3-anndata (scripts/install-deps.sh --with-tests)."""
import argparse
import pathlib
import subprocess
import time

import anndata
import numpy as np
import scipy.sparse as sp

ap = argparse.ArgumentParser()
ap.add_argument("stx")
ap.add_argument("--spots", default="10000,100000")
ap.add_argument("--genes", type=int, default=250)
ap.add_argument("--work", type=pathlib.Path, default=pathlib.Path("/tmp/geojson-bench"))
a = ap.parse_args()
a.work.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
for n in map(int, a.spots.split(",")):
    side = int(np.ceil(np.sqrt(n)))
    ad = anndata.AnnData(X=sp.csr_matrix(rng.random((n, a.genes), dtype=np.float32)))
    ad.obs_names = [f"c{i}" for i in range(n)]
    ad.var_names = [f"G{j}" for j in range(a.genes)]
    ad.obsm["spatial"] = np.column_stack([np.arange(n) % side * 20.0, np.arange(n) // side * 20.0])
    ad.obsm["pathway_activity"] = rng.random((n, 50), dtype=np.float32)
    ad.uns["pathway_names"] = [f"HALLMARK_{k}" for k in range(50)]
    ad.uns["stx_X"] = "QuadFlow-predicted log1p CP10k expression"
    ad.uns["spatial"] = {"s": {"scalefactors": {"spot_diameter_fullres": 16.0}}}
    h5ad = a.work / f"{n}.h5ad"
    ad.write_h5ad(h5ad)
    for name in (f"{n}.geojson", f"{n}.geojson.gz"):
        out = a.work / name
        start = time.perf_counter()
        # /usr/bin/time measures stx alone: ru_maxrss of the children would count the forked
        # Python process, which holds the AnnData, before it becomes stx
        timed = subprocess.run(["/usr/bin/time", "-f", "%M", a.stx, "export", str(h5ad), "--geojson", str(out), "--force",
                                "-q"], check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak_kb = int(timed.stderr.strip().splitlines()[-1])
        print(f"{n} spots x (50 pathways + {a.genes} genes) -> {name}: {seconds:.1f} s, "
              f"{out.stat().st_size / 1e6:.0f} MB, peak RSS {peak_kb / 1e3:.0f} MB")
