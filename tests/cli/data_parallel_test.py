"""`stx train --nproc 2` (c10d ProcessGroupGloo on the CPU, two processes sharing each step's
slides) against one process with the same global batch (`--slides-per-step 2`): the same
losses epoch by epoch and the same predictions within a stated tolerance (measured: equal to
the last bit, as a+b = b+a and each step sums at most two slides' gradients). Three slides make
steps of 2 and 1, so one step leaves the second process idle; an ensemble of 2 trains its
members one after the other in both processes. Only process 1 writes the run folder. The workers die with their launcher: a SIGKILL or SIGTERM
to the launcher alone (an OOM killer, a batch scheduler) leaves no worker training and no model.

Usage: data_parallel_test.py STX SHARED_DATA SOURCE_DIR
"""
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
demo = source / "demo" / "her2st"
c = Checks("data_parallel")
LOSS_RTOL, PREDICTION_ATOL = 1e-5, 1e-4  # float sums in another order, 1 thread per process against 2

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    common = ["train", str(demo), "--sections", "C2,C3,C4", "--epochs", "6", "--ensemble", "2", "--threads", "2",
              "--cache-dir", str(tmp / "cache"), "--print-every", "1"]
    runs = {"one process": ["--slides-per-step", "2"], "two processes": ["--nproc", "2"]}
    for name, extra in runs.items():
        r = run(stx, "-v", *common, *extra, "--out", str(tmp / name))
        c.check(r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr[-600:]}")
        c.check("2 slides each" in r.stdout, f"{name}: the setup does not say 2 slides per step: {r.stdout}")
    # process 1 of 2 speaks for the run; that it joined a group of two is its debug line
    c.check("process 1 of 2 joined" in r.stderr and "shared by 2 processes" in r.stdout,
            f"the --nproc 2 run did not form a group of two: {r.stdout[-300:]} {r.stderr[-300:]}")

    def losses(folder):
        return [json.loads(line)["train_loss"] for line in (folder / "metrics.jsonl").read_text().splitlines()]

    for member in ("", "member_2"):
        one, two = losses(tmp / "one process" / member), losses(tmp / "two processes" / member)
        c.check(len(one) == len(two) == 6, f"{member or 'member 1'}: {len(one)} and {len(two)} epochs")
        worst = max(abs(a - b) / abs(a) for a, b in zip(one, two))
        print(f"  {member or 'member 1'}: largest relative loss difference {worst:.2e}")
        c.check(worst < LOSS_RTOL, f"{member or 'member 1'}: losses differ by {worst:.2e} (tolerance {LOSS_RTOL})")

    # the comparison can fail: one slide per step trains a different model
    r = run(stx, *common, "--slides-per-step", "1", "--out", str(tmp / "one slide"))
    gap = max(abs(a - b) for a, b in zip(losses(tmp / "one slide"), losses(tmp / "two processes")))
    c.check(r.returncode == 0 and gap > 1e-3, f"one slide per step: exit {r.returncode}, loss gap {gap:.2e}")

    written = sorted(p.name for p in (tmp / "two processes").iterdir())
    c.check(written == ["checkpoint.pt", "config.json", "member_2", "metrics.jsonl", "model.pt"],
            f"the two-process run folder holds {written}")

    predictions = {}
    for name in runs:
        r = run(stx, "predict", str(demo), "--section", "B4", "-m", str(tmp / name / "model.pt"), "-o",
                str(tmp / f"{name}.h5ad"), "--tsv", str(tmp / f"{name}.tsv"), "--cache-dir", str(tmp / "cache"),
                "--threads", "2")
        c.check(r.returncode == 0, f"predict with the {name} model: exit {r.returncode}: {r.stderr[-400:]}")
        predictions[name] = pd.read_csv(tmp / f"{name}.tsv", sep="\t", index_col=0)
    one, two = predictions["one process"], predictions["two processes"]
    c.check(one.shape == two.shape and one.shape[0] > 100, f"prediction tables {one.shape} and {two.shape}")
    gap = float(np.abs(one.to_numpy() - two.to_numpy()).max())
    spread = float(one.to_numpy().std())
    print(f"  B4 predictions ({one.shape[0]} spots x {one.shape[1]} columns): largest difference {gap:.2e}, "
          f"values' sd {spread:.3f}")
    c.check(gap < PREDICTION_ATOL, f"predictions differ by up to {gap:.2e} (tolerance {PREDICTION_ATOL})")

    # more processes than slides per step: refused once, before any process starts
    r = run(stx, "-q", *common, "--nproc", "3", "--slides-per-step", "2", "--out", str(tmp / "three"))
    lines = r.stderr.strip().splitlines()
    c.check(r.returncode == 1 and len(lines) == 1 and "--nproc 3" in lines[0] and not (tmp / "three").exists(),
            f"--nproc 3 with 2 slides per step: exit {r.returncode}, {r.stderr!r}")

    def children(pid):
        """The processes whose parent is `pid` (from /proc)."""
        found = []
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
        return found

    def alive(pid):
        try:
            return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    for sig in (signal.SIGKILL, signal.SIGTERM):
        out = tmp / f"killed_{sig.name}"
        long = [a if common[i - 1] != "--epochs" else "400" for i, a in enumerate(common)]
        launcher = subprocess.Popen([stx, "-q", *long, "--nproc", "2", "--out", str(out)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        workers, deadline = [], time.time() + 120
        while time.time() < deadline and not (out / "metrics.jsonl").exists() and launcher.poll() is None:
            workers = children(launcher.pid) or workers
            time.sleep(0.2)
        workers = children(launcher.pid) or workers
        c.check(len(workers) == 2 and (out / "metrics.jsonl").exists(),
                f"{sig.name}: the two workers did not start training: {workers}")
        os.kill(launcher.pid, sig)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            c.check(False, f"{sig.name}: the launcher did not end within 60 s")
        stderr = launcher.stderr.read()
        time.sleep(3)
        left = [w for w in workers if alive(w)]
        for w in left:
            os.kill(w, signal.SIGKILL)
        c.check(not left, f"{sig.name} to the launcher: worker(s) {left} still running 3 s after it ended")
        time.sleep(2)
        c.check(not (out / "model.pt").exists(), f"{sig.name}: a model.pt was written after the launcher ended")
        if sig == signal.SIGTERM:
            lines = stderr.strip().splitlines()
            c.check(launcher.returncode != 0 and len(lines) == 1 and lines[0].startswith("stx: error:"),
                    f"SIGTERM: exit {launcher.returncode}, stderr {stderr!r}")

c.finish()
