"""The library as another project uses it (#31 item 5): `cmake --install` of the build tree into
a fresh prefix, examples/ configured with find_package(SpatialTranscriptomer) against that
prefix alone and built, and its program run on the demo's B4 with the installed shipped model.
Its printed r for three pathways must equal NumPy's r between the installed `stx predict` TSV
and `stx score`'s measured scores of the same spots (the CLI's path to the same numbers).
The pkg-config file must name every installed layer library, and the same program compiled by
g++ with pkg-config's flags alone must print the same.

Usage: installed_package_test.py STX SHARED_DATA SOURCE_DIR BUILD_DIR
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

from common import Checks

source, build = pathlib.Path(sys.argv[3]).resolve(), pathlib.Path(sys.argv[4]).resolve()
c = Checks("installed_package")


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    prefix = tmp / "prefix"
    r = sh("cmake", "--install", build, "--prefix", prefix)
    c.check(r.returncode == 0, f"cmake --install: {r.stderr[-500:]}")
    model = prefix / "share" / "stx" / "models" / "her2st-builtin" / "model.pt"
    for path in [prefix / "bin" / "stx", prefix / "include" / "stx" / "pipeline" / "predict.hpp", model,
                 prefix / "lib" / "cmake" / "SpatialTranscriptomer" / "SpatialTranscriptomerConfig.cmake",
                 prefix / "lib" / "libstx_pipeline.a"]:
        c.check(path.exists(), f"not installed: {path.relative_to(prefix)}")
    pc = (prefix / "lib" / "pkgconfig" / "spatialtranscriptomer.pc").read_text()
    libs = sorted(p.name[3:-2] for p in (prefix / "lib").glob("libstx_*.a"))
    c.check(len(libs) == 18 and all(f"-l{lib}" in pc for lib in libs), f"pkg-config Libs vs installed {libs}: {pc}")

    examples = tmp / "examples"
    launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if subprocess.run(["which", "ccache"], capture_output=True).returncode == 0 else []
    r = sh("cmake", "-S", source / "examples", "-B", examples, "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}", *launcher)
    c.check(r.returncode == 0, f"configure examples against the installed package: {r.stdout[-800:]} {r.stderr[-800:]}")
    r = sh("cmake", "--build", examples)
    c.check(r.returncode == 0, f"build examples: {r.stdout[-1500:]}")

    demo = source / "demo" / "her2st"
    run = sh(examples / "predict_pathways", demo, "B4", model, cwd=tmp)
    c.check(run.returncode == 0 and "B4: 283 spots, 50 pathways scored" in run.stdout, f"example: {run.stdout} {run.stderr}")
    printed = dict(re.findall(r"^(HALLMARK_\w+): r = (-?[0-9.]+)$", run.stdout, re.M))
    c.check(len(printed) == 3, f"three pathways' r printed: {run.stdout}")

    # the same program through pkg-config alone (relocatable: the prefix is where the .pc lies)
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = sh("pkg-config", "--cflags", "--libs", "spatialtranscriptomer", env=env)
    c.check(flags.returncode == 0, f"pkg-config: {flags.stderr}")
    r = sh("g++", "-std=c++17", "-O1", source / "examples" / "predict_pathways.cpp", "-o", tmp / "pp", *flags.stdout.split())
    c.check(r.returncode == 0, f"g++ with pkg-config's flags: {r.stderr[-1500:]}")
    again = sh(tmp / "pp", demo, "B4", model, cwd=tmp)
    c.check(again.returncode == 0 and again.stdout == run.stdout, f"pkg-config build: {again.stdout} {again.stderr}")

    installed_stx = prefix / "bin" / "stx"
    p = sh(installed_stx, "-q", "predict", demo, "--section", "B4", "-o", tmp / "b4.h5ad", "--tsv", tmp / "b4.tsv",
           "--cache-dir", tmp / "cache")
    c.check(p.returncode == 0, f"installed stx predict without -m (the installed shipped model): {p.stderr}")
    s = sh(installed_stx, "-q", "score", demo, "--section", "B4", "--tsv", tmp / "measured.tsv")
    c.check(s.returncode == 0, f"installed stx score: {s.stderr}")
    if p.returncode == 0 and s.returncode == 0:
        predicted = pd.read_csv(tmp / "b4.tsv", sep="\t", index_col=0)
        measured = pd.read_csv(tmp / "measured.tsv", sep="\t", index_col=0).loc[predicted.index]
        for pathway, r_printed in printed.items():
            r = np.corrcoef(predicted[pathway], measured[pathway])[0, 1]
            c.check(abs(r - float(r_printed)) < 1.5e-3, f"{pathway}: example r {r_printed}, CLI + NumPy {r:.4f}")
            print(f"ok {pathway}: the linked program's r {r_printed} = NumPy on the CLI's outputs {r:.4f}")
c.finish()
