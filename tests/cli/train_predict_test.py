"""`stx train` / `stx predict` end to end on HER2ST sections:
- a run killed with SIGKILL at a random epoch and resumed ends with exactly the metrics and
  predictions of an uninterrupted run (same seed and threads);
- predictions open in anndata with the documented layout, and X equals the TSV;
- an H&E image alone gets pseudo-spots and predictions;
- a model trained on one encoder's features refuses another's (the native ViT with other
  weights), and `stx evaluate --group` holds out groups of slides, not slides;
- bad input gets a one-line error and the documented exit code.

Usage: train_predict_test.py STX SHARED_DATA SOURCE_DIR
"""
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time

import anndata
import numpy as np
import pandas as pd

from common import Checks, run

stx, shared, source = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
her2st = shared / "her2st"
c = Checks("train-predict")
tmp = pathlib.Path(tempfile.mkdtemp(prefix="stx-train-test-"))
cache = tmp / "cache"
train_args = [str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "40",
              "--checkpoint-every", "3", "--threads", "2", "--seed", "5", "--n-genes", "60",
              "--print-every", "1", "--ensemble", "3"]

r = run(stx, "train", *train_args, "--out", str(tmp / "straight"))
c.check(r.returncode == 0, f"train exit {r.returncode}: {r.stderr[-500:]}")
# an ensemble of 3: member 1 in the run folder, members 2 and 3 in member_2, member_3
members = ["", "member_2", "member_3"]
def metrics(run_name):
    return [(tmp / run_name / m / "metrics.jsonl").read_text().splitlines() for m in members]
straight = metrics("straight")
c.check([len(m) for m in straight] == [40, 40, 40], f"metrics.jsonl lines {[len(m) for m in straight]}, expected 40 each")
c.check(straight[0] != straight[1], "ensemble members 1 and 2 trained identically (seeds 5 and 6)")

# SIGKILL at a random epoch of any member (120 epoch lines in all), then resume.
kill_after = random.Random().randint(4, 110)
epoch_lines = 0
proc = subprocess.Popen([stx, "train", *train_args, "--out", str(tmp / "killed")],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
deadline = time.time() + 120
for line in proc.stderr:
    epoch_lines += line.strip().startswith("epoch")
    if epoch_lines >= kill_after:
        os.kill(proc.pid, signal.SIGKILL)
        break
    if time.time() > deadline:
        break
proc.wait()
c.check(proc.returncode == -signal.SIGKILL, f"killed run exit {proc.returncode}")
c.check(not (tmp / "killed" / "model.pt").exists(), "a killed run must leave no model.pt")
r = run(stx, "train", *train_args, "--out", str(tmp / "killed"), "--resume")
c.check(r.returncode == 0, f"resume exit {r.returncode}: {r.stderr[-500:]}")
c.check("resuming from" in r.stderr, "resume did not report the checkpoint it continued from")
resumed = metrics("killed")
c.check(resumed == straight, f"killed after {kill_after} epochs of the ensemble and resumed: metrics differ\n"
        f"  straight: {[m[-1] for m in straight]}\n  resumed:  {[m[-1] for m in resumed]}")
print(f"killed after {kill_after} of 120 ensemble epochs, resumed: last {resumed[2][-1]}")

predictions = {}
for run_name in ("straight", "killed"):
    out = tmp / f"{run_name}.h5ad"
    r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / run_name / "model.pt"),
            "-o", str(out), "--tsv", str(tmp / f"{run_name}.tsv"), "--cache-dir", str(cache),
            "--threads", "2")
    c.check(r.returncode == 0, f"predict exit {r.returncode}: {r.stderr[-500:]}")
    predictions[run_name] = pd.read_csv(tmp / f"{run_name}.tsv", sep="\t", index_col=0)
c.check(predictions["straight"].equals(predictions["killed"]),
        "predictions of the resumed model differ from the uninterrupted one")

a = anndata.read_h5ad(tmp / "straight.h5ad")
tsv = predictions["straight"]
c.check(a.n_obs == 187 and a.n_vars == 60, f"h5ad shape {a.shape}, expected (187, 60)")
c.check(list(a.uns["pathway_names"]) == list(tsv.columns[2:52]), "pathway names differ from the TSV")
c.check(a.obsm["pathway_activity"].shape == (187, 50), f"obsm shape {a.obsm['pathway_activity'].shape}")
x = a.X.toarray() if hasattr(a.X, "toarray") else np.asarray(a.X)
c.check(np.allclose(x, tsv[list(a.var_names)].to_numpy(), atol=1e-5), "X differs from the TSV genes")
c.check(np.allclose(a.obsm["pathway_activity"], tsv.iloc[:, 2:52].to_numpy(), atol=1e-6),
        "obsm['pathway_activity'] differs from the TSV")
c.check(a.obsm["spatial"].shape == (187, 2), "obsm['spatial'] missing")
c.check(np.isfinite(x).all() and x.std(axis=0).min() > 0, "predicted genes constant or not finite")
c.check((x >= 0).all(), "predicted log1p expression must be clipped at 0")

# What sc.pl.spatial reads: the hires image and its scale factor. The embedded image must be
# the H&E itself, downscaled: compared with PIL's box-filtered resize of the full image.
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
lib = a.uns["spatial"]["C2"]
hires = np.asarray(lib["images"]["hires"])
scale = lib["scalefactors"]["tissue_hires_scalef"]
full = Image.open(her2st / "images" / "C2.jpg").convert("RGB")
c.check(hires.dtype == np.uint8 and hires.shape[2] == 3 and max(hires.shape[:2]) == 2000,
        f"hires image {hires.shape} {hires.dtype}")
c.check(abs(scale - hires.shape[1] / full.width) < 1e-9, f"tissue_hires_scalef {scale}")
reference = np.asarray(full.resize((hires.shape[1], hires.shape[0]), Image.BOX), dtype=float)
mad = np.abs(reference - hires).mean()
c.check(mad < 3, f"hires image differs from the downscaled H&E: mean |diff| {mad:.2f}")
xy = a.obsm["spatial"] * scale
c.check((xy >= 0).all() and (xy[:, 0] < hires.shape[1]).all() and (xy[:, 1] < hires.shape[0]).all(),
        "spots fall outside the hires image")
print(f"hires image {hires.shape}, scalef {scale:.4f}, mean |diff| vs PIL {mad:.2f}")

# Maps: every file written is a real, non-blank PNG.
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "straight" / "model.pt"),
        "-o", str(tmp / "maps.h5ad"), "--maps", str(tmp / "maps"), "--cache-dir", str(cache),
        "--map-pathway", "HALLMARK_HYPOXIA")
c.check(r.returncode == 0, f"predict --maps exit {r.returncode}: {r.stderr[-500:]}")
expected = ["pathways_predicted.png", "pathways_measured_vs_predicted.png",
            "genes_measured_vs_predicted.png", "attention.png"]
for name in expected:
    path = tmp / "maps" / name
    c.check(path.exists(), f"--maps did not write {name}")
    if path.exists():
        img = np.asarray(Image.open(path).convert("RGB"), dtype=float)
        c.check(img.shape[0] > 200 and img.shape[1] > 400 and img.std() > 20,
                f"{name}: {img.shape}, sd {img.std():.1f} (blank?)")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "straight" / "model.pt"),
        "-o", str(tmp / "maps2.h5ad"), "--maps", str(tmp / "maps2"), "--cache-dir", str(cache),
        "--map-pathway", "HALLMARK_NOPE")
c.check(r.returncode == 1 and "HALLMARK_NOPE" in r.stderr, f"unknown --map-pathway: {r.returncode} {r.stderr}")

# The image alone: pseudo-spots on the tissue.
r = run(stx, "predict", str(her2st / "images" / "C2.jpg"), "--um-per-px", "0.6881", "-m",
        str(tmp / "straight" / "model.pt"), "-o", str(tmp / "image_only.h5ad"),
        "--cache-dir", str(cache), "--pitch-um", "200")
c.check(r.returncode == 0, f"image-only predict exit {r.returncode}: {r.stderr[-500:]}")
if r.returncode == 0:
    b = anndata.read_h5ad(tmp / "image_only.h5ad")
    c.check(b.n_obs > 100 and b.obsm["pathway_activity"].shape[1] == 50,
            f"image-only prediction has {b.n_obs} spots")
    print(f"image only: {b.n_obs} pseudo-spots predicted")

# Encoder identity: trained on the tiny ViT's features, the model refuses a ViT with other weights.
vit = source / "tests" / "fixtures" / "vit"
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "2",
        "--threads", "2", "--n-genes", "20", "--encoder", "vit", "--weights",
        str(vit / "tiny_vit_torchvision.safetensors"), "--out", str(tmp / "vit_model"))
c.check(r.returncode == 0, f"train --encoder vit exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "vit_model" / "model.pt"),
        "-o", str(tmp / "vit_same.h5ad"), "--cache-dir", str(cache), "--threads", "2")
c.check(r.returncode == 0, f"predict with the training encoder: exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "vit_model" / "model.pt"),
        "-o", str(tmp / "vit_other.h5ad"), "--cache-dir", str(cache), "--weights",
        str(vit / "tiny_vit_hf.bin"))
c.check(r.returncode == 1 and "was trained on features of 'vit-d64-p16-" in r.stderr
        and r.stderr.count("\n") == 1 and not (tmp / "vit_other.h5ad").exists(),
        f"other encoder weights: {r.returncode} {r.stderr}")

# Fine-tuning the tiny ViT's last block with QuadFlow: the checkpoint carries the block, and
# predict recomputes the tokens before it from the image.
tiny = str(vit / "tiny_vit_torchvision.safetensors")
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "3",
        "--threads", "2", "--n-genes", "20", "--encoder", "vit", "--weights", tiny, "--finetune-blocks", "1",
        "--ensemble", "2", "--out", str(tmp / "vit_tuned"))
c.check(r.returncode == 0 and "finetune  = the ViT's last 1 block(s)" in r.stdout,
        f"train --finetune-blocks 1 exit {r.returncode}: {r.stdout[-300:]} {r.stderr[-500:]}")
if r.returncode == 0:
    config = json.loads((tmp / "vit_tuned" / "config.json").read_text())
    c.check(config.get("finetune_blocks") == 1, f"config.json finetune_blocks {config.get('finetune_blocks')}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "vit_tuned" / "model.pt"),
        "-o", str(tmp / "vit_tuned.h5ad"), "--cache-dir", str(cache), "--threads", "2")
c.check(r.returncode == 0, f"predict with a fine-tuned ViT: exit {r.returncode}: {r.stderr[-500:]}")
if r.returncode == 0:
    tuned = anndata.read_h5ad(tmp / "vit_tuned.h5ad").obsm["pathway_activity"]
    same = anndata.read_h5ad(tmp / "vit_same.h5ad").obsm["pathway_activity"]
    c.check(tuned.shape == same.shape and np.isfinite(tuned).all() and not np.allclose(tuned, same),
            f"fine-tuned predictions {tuned.shape}, finite {np.isfinite(tuned).all()}")
for extra, message in [(["--encoder", "builtin"], "--finetune-blocks needs --encoder vit (found --encoder builtin)"),
                       (["--encoder", "vit", "--weights", tiny, "--finetune-blocks", "5"],
                        "cannot fine-tune 5 blocks of a ViT with 2")]:
    args = ["--finetune-blocks", "1", *extra] if "--finetune-blocks" not in extra else extra
    r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "2",
            *args, "--out", str(tmp / "bad_finetune"))
    c.check(r.returncode == 1 and message in r.stderr and r.stderr.count("\n") == 1,
            f"{' '.join(args)}: exit {r.returncode} {r.stderr[-300:]}")

# The input, linear-path and flow switches reach the model: defaults in the ensemble run above,
# each switched in a short run.
straight_model = json.loads((tmp / "straight" / "config.json").read_text())["model"]
c.check(straight_model.get("slide_feature_norm") is False and straight_model.get("linear_path_neighbours") is True
        and straight_model.get("linear_path_reduced_rank") is True and straight_model.get("layers") == 1
        and straight_model.get("spatial_attention") is True, f"default model options {straight_model}")
# --linear-path auto: none in an ensemble (the run above), one in a single model (below)
c.check(straight_model.get("linear_path") is False, f"an ensemble's default linear path {straight_model}")
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "2",
        "--threads", "2", "--n-genes", "20", "--ensemble", "1", "--feature-norm", "slide",
        "--no-linear-path-neighbours", "--full-rank-linear-path", "--flows", "PP,HP", "--out", str(tmp / "switches"))
c.check(r.returncode == 0, f"train with the switches off: exit {r.returncode}: {r.stderr[-300:]}")
if r.returncode == 0:
    off = json.loads((tmp / "switches" / "config.json").read_text())["model"]
    c.check(off.get("slide_feature_norm") is True and off.get("linear_path_neighbours") is False
            and off.get("linear_path_reduced_rank") is False, f"switched-off model options {off}")
    c.check([off.get(k) for k in ("spatial_attention", "pathway_attention", "cross_attention", "pathway_readout")]
            == [False, True, False, True], f"--flows PP,HP: {off}")
    c.check(off.get("linear_path") is True, f"a single model's default linear path {off}")
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "2",
        "--feature-norm", "batch", "--out", str(tmp / "bad_norm"))
c.check(r.returncode != 0 and "--feature-norm" in r.stderr and "batch" in r.stderr,
        f"--feature-norm batch: exit {r.returncode} {r.stderr[-300:]}")

# Stain normalisation: a model trained on Macenko-normalised features normalises at predict
# time too (the reference is recorded), and refuses features normalised to another reference.
reference = her2st / "images" / "C5.jpg"
r = run(stx, "train", str(her2st), "--sections", "C3,C4", "--cache-dir", str(cache), "--epochs", "2",
        "--threads", "2", "--n-genes", "20", "--ensemble", "1", "--stain-reference", str(reference),
        "--out", str(tmp / "stained"))
c.check(r.returncode == 0 and "macenko:" in r.stdout, f"train --stain-reference exit {r.returncode}: {r.stdout[-300:]} {r.stderr[-300:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "stained" / "model.pt"),
        "-o", str(tmp / "stained.h5ad"), "--cache-dir", str(cache), "--threads", "2")
c.check(r.returncode == 0, f"predict with the training stain reference: exit {r.returncode}: {r.stderr[-500:]}")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "stained" / "model.pt"),
        "-o", str(tmp / "stained_other.h5ad"), "--cache-dir", str(cache), "--threads", "2",
        "--stain-reference", str(her2st / "images" / "C4.jpg"))
c.check(r.returncode == 1 and "(different weights or stain reference?)" in r.stderr
        and not (tmp / "stained_other.h5ad").exists(), f"other stain reference: {r.returncode} {r.stderr[-300:]}")

# --group: each group (patient) is held out in turn, and each section of a patient with two
# within that patient; the fold plan is printed before training.
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3,C4", "--cache-dir", str(cache),
        "--epochs", "2", "--threads", "2", "--n-genes", "20", "--group", "C2=patientA",
        "--group", "C3=patientA", "--group", "C4=patientB", "-o", str(tmp / "grouped"))
c.check(r.returncode == 0, f"evaluate --group exit {r.returncode}: {r.stderr[-500:]}")
if r.returncode == 0:
    cv = pd.read_csv(tmp / "grouped" / "cv_metrics.tsv", sep="\t")
    folds = {(p, f) for p, f in zip(cv["protocol"], cv["fold"])}
    c.check(folds == {("leave one patient out", "patientA"), ("leave one patient out", "patientB"),
                      ("leave one section out within a patient", "C2"),
                      ("leave one section out within a patient", "C3")}, f"folds {sorted(folds)}")
    c.check("fold      = leave one patient out: hold out patientB, train on C2, C3" in r.stdout
            and "fold      = leave one section out within a patient: hold out C2, train on C3\n" in r.stdout,
            f"the fold plan is not printed: {r.stdout[:1500]}")
    summary = (tmp / "grouped" / "cv_summary.md").read_text()
    c.check("| method | patientA | patientB | mean r" in summary and "| method | C2 | C3 | mean r" in summary,
            "the summary's tables are not one per protocol")
# a legacy ST section's patient is its letter: C2..C4 are one patient, so only the
# within-patient protocol applies, and --held-out picks folds
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3,C4", "--cache-dir", str(cache),
        "--epochs", "2", "--threads", "2", "--n-genes", "20", "--held-out", "C3", "-o", str(tmp / "letters"))
c.check(r.returncode == 0 and "hold out C3, train on C2, C4" in r.stdout and "hold out C2" not in r.stdout,
        f"evaluate of one patient's sections: {r.returncode} {r.stdout[-800:]} {r.stderr[-300:]}")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "--cache-dir", str(cache), "--epochs", "2",
        "--group", "C9=x", "-o", str(tmp / "badgroup"))
c.check(r.returncode == 1 and "--group 'C9=x': no slide named 'C9'" in r.stderr, f"--group C9: {r.returncode} {r.stderr}")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "--cache-dir", str(cache), "--epochs", "2",
        "--group", "C2=A", "--group", "C2=B", "-o", str(tmp / "twogroups"))
c.check(r.returncode == 1 and "--group 'C2=B': slide 'C2' is already in group 'A' (--group 'C2=A')" in r.stderr,
        f"two groups for one slide: {r.returncode} {r.stderr}")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "--cache-dir", str(cache), "--epochs", "2",
        "--protocol", "patient", "-o", str(tmp / "onegroup"))
c.check(r.returncode == 1 and "needs two groups" in r.stderr, f"one patient, by patient: {r.returncode} {r.stderr}")
# the fold plan is checked before any slide is read
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "--held-out", "Z", "-o", str(tmp / "badheld"), timeout=20)
c.check(r.returncode == 1 and "--held-out 'Z': no fold holds it out" in r.stderr
        and not (tmp / "badheld").exists(), f"--held-out Z: {r.returncode} {r.stderr}")
table = tmp / "groups.tsv"
table.write_text("slide\tpatient\nC2\tP1\nC3\tP2\n")
r = run(stx, "evaluate", str(her2st), "--sections", "C2,C3", "--cache-dir", str(cache), "--epochs", "2",
        "--threads", "2", "--n-genes", "20", "--group-table", str(table), "-o", str(tmp / "table"))
c.check(r.returncode == 0 and "hold out P1, train on C3" in r.stdout and "within a patient" not in r.stdout,
        f"--group-table: {r.returncode} {r.stdout[-600:]} {r.stderr[-300:]}")

# Bad input.
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "straight" / "model.pt"),
        "-o", str(tmp / "straight.h5ad"), "--cache-dir", str(cache))
c.check(r.returncode == 1 and "already exists" in r.stderr, f"existing output: {r.returncode} {r.stderr}")
(tmp / "garbage.pt").write_bytes(b"not a checkpoint")
r = run(stx, "predict", str(her2st), "--section", "C2", "-m", str(tmp / "garbage.pt"),
        "-o", str(tmp / "g.h5ad"), "--cache-dir", str(cache))
c.check(r.returncode == 2 and "garbage.pt" in r.stderr and r.stderr.count("\n") == 1,
        f"garbage checkpoint: {r.returncode} {r.stderr}")
r = run(stx, "train", *train_args, "--out", str(tmp / "v"), "--val", "C9")
c.check(r.returncode == 1 and "--val 'C9'" in r.stderr, f"unknown --val: {r.returncode} {r.stderr}")
r = run(stx, "train", *train_args, "--out", str(tmp / "straight"))
c.check(r.returncode == 1 and "already exists" in r.stderr, f"existing model: {r.returncode} {r.stderr}")
c.finish()
