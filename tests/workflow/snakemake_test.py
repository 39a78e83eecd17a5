"""The cohort workflow (workflow/Snakefile) on the demo sample sheet with Snakemake:
- a run from nothing makes the cohort tables: one row per predicted slide, 50 pathways;
- a second run, killed with SIGKILL while it trains, unlocked and re-run with --rerun-incomplete,
  redoes only what was missing (the slides encoded before the kill are not encoded again)
  and ends with byte-identical tables and predictions.

Usage: snakemake_test.py STX SHARED_DATA SOURCE_DIR
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pandas as pd

from common import Checks

stx, source = str(pathlib.Path(sys.argv[1]).resolve()), pathlib.Path(sys.argv[3]).resolve()
c = Checks("snakemake")
snakemake = shutil.which("snakemake")
if snakemake is None:
    print("snakemake: not installed (scripts/install-deps.sh --with-tests installs it)")
    c.check(False, "snakemake is not on PATH")
    c.finish()

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    sheet = tmp / "samples.tsv"  # the demo sheet with absolute paths: jobs run in other folders
    lines = (source / "workflow" / "demo_samples.tsv").read_text().splitlines()
    sheet.write_text("\n".join([lines[0]] + [l.replace("demo/", f"{source}/demo/", 1) for l in lines[1:]]) + "\n")

    def command(out, *extra):
        return [snakemake, "-s", str(source / "workflow" / "Snakefile"), "--cores", "2", "--directory", str(tmp),
                "--config", f"stx={stx}", f"samples={sheet}", f"out={out}", f"cache={tmp / 'cache'}", "epochs=20",
                "ensemble=1", *extra]

    r = subprocess.run(command(tmp / "clean"), capture_output=True, text=True, timeout=900)
    c.check(r.returncode == 0, f"the clean run: exit {r.returncode}: {r.stderr[-1500:]}")
    if r.returncode != 0:
        c.finish()
    activity = pd.read_csv(tmp / "clean" / "pathway_activity.tsv", sep="\t", index_col=0)
    slides = pd.read_csv(tmp / "clean" / "slides.tsv", sep="\t")
    c.check(list(activity.index) == ["C4", "B4"] and activity.shape[1] == 50,
            f"pathway_activity.tsv: {list(activity.index)} x {activity.shape[1]}")
    c.check(list(slides["spots"]) == [184, 283] and list(slides["patient"]) == ["C", "B"],
            f"slides.tsv: {slides.to_dict('list')}")

    # the killed run: same cache, so encoding is quick and the kill lands in training
    killed = tmp / "killed"
    job = subprocess.Popen(command(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not (killed / "model" / "train.log").exists() and job.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    encoded = {p.name: p.stat().st_mtime_ns for p in (killed / "encoded").glob("*.txt")}
    c.check({"C2.txt", "C3.txt"} <= set(encoded) and not (killed / "pathway_activity.tsv").exists(),
            f"killed while training: {sorted(encoded)} encoded, tables present: "
            f"{(killed / 'pathway_activity.tsv').exists()}")
    c.check(not (killed / "model" / "model.pt").exists(), "the kill came after the model was written")

    # a SIGKILL leaves Snakemake's lock on the working folder: --unlock lifts it, as after any crash
    r = subprocess.run(command(killed, "--unlock"), capture_output=True, text=True, timeout=300)
    c.check(r.returncode == 0, f"--unlock: exit {r.returncode}: {r.stdout[-1000:]} {r.stderr[-1000:]}")
    r = subprocess.run(command(killed, "--rerun-incomplete"), capture_output=True, text=True, timeout=900)
    c.check(r.returncode == 0, f"the re-run: exit {r.returncode}: {r.stdout[-2000:]} {r.stderr[-2000:]}")
    again = {p.name: p.stat().st_mtime_ns for p in (killed / "encoded").glob("*.txt")}
    c.check(len(again) == 4 and all(again[name] == t for name, t in encoded.items()),
            "the re-run encoded slides again that were already encoded")
    for name in ["pathway_activity.tsv", "slides.tsv", "predictions/C4.tsv", "predictions/B4.tsv"]:
        same = (tmp / "clean" / name).read_bytes() == (killed / name).read_bytes()
        c.check(same, f"{name} differs between the clean run and the killed-and-re-run one")

c.finish()
