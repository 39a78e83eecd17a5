"""The shipped model (models/her2st-builtin) as a newcomer meets it, and its card checked
against the command the card names.

- `stx models` lists it as the default, with its card and the card's accuracy line; --json too.
- card.json's sha256 is the model file's; the card names that sha256.
- `stx predict` without -m uses it on a legacy ST section and on an H&E image alone, prints its
  name and card, and notes when the slide was in its training data; -m NAME picks it by name.
- An unknown name, a missing file and a truncated model file each give one `stx:` line, exit 1
  or 2, no traceback.
- The card's accuracy table is reproduced by re-running the `stx evaluate` command it names
  (within 0.01: another CPU may round differently).

Usage: pretrained_model_test.py STX SHARED_DATA SOURCE_DIR
"""
import hashlib
import json
import pathlib
import re
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import anndata
from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("pretrained-model")
folder = source / "models" / "her2st-builtin"
model, card_md, card_json = folder / "model.pt", folder / "README.md", folder / "card.json"
card = json.loads(card_json.read_text())
text = card_md.read_text()
sha = hashlib.sha256(model.read_bytes()).hexdigest()
c.check(card["sha256"] == sha, f"card.json sha256 {card['sha256']} is not the model's {sha}")
c.check(sha in text, "the card does not name the model's sha256")


def one_error_line(r, code, needle, what):
    lines = r.stderr.strip().splitlines()
    c.check(r.returncode == code and len(lines) == 1 and lines[0].startswith("stx:") and needle in lines[0],
            f"{what}: exit {r.returncode}, stderr {r.stderr!r}")


r = run(stx, "models")
c.check(r.returncode == 0 and "her2st-builtin (shipped; the default of stx predict)" in r.stdout,
        f"stx models: {r.returncode} {r.stdout} {r.stderr}")
c.check(card["accuracy"] in r.stdout and str(card_md) in r.stdout, f"stx models shows the card: {r.stdout}")
r = run(stx, "models", "--json")
listed = json.loads(r.stdout) if r.returncode == 0 else []
entry = next((m for m in listed if m["name"] == "her2st-builtin"), {})
c.check(entry.get("default") is True and entry.get("training_slides") == ["B4", "C2", "C3", "C4", "C5"]
        and entry.get("members") == 5 and entry.get("encoder") == "builtin-v1",
        f"stx models --json: {entry}")

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    cache = ["--cache-dir", str(tmp / "cache")]
    r = run(stx, "predict", str(source / "demo" / "her2st"), "--section", "C5", "-o", str(tmp / "c5.h5ad"), *cache)
    c.check(r.returncode == 0 and "her2st-builtin, shipped with stx" in r.stdout and str(card_md) in r.stdout,
            f"predict without -m: {r.returncode} {r.stdout} {r.stderr}")
    c.check("a slide named C5 is in the model's training data" in r.stdout, f"no training-data note: {r.stdout}")
    if r.returncode == 0:
        a = anndata.read_h5ad(tmp / "c5.h5ad")
        c.check(a.n_obs == 181 and a.obsm["pathway_activity"].shape == (181, 50) and a.n_vars == 250,
                f"C5 prediction shape: {a}")
    r = run(stx, "predict", str(source / "demo" / "her2st" / "images" / "C5.jpg"), "--um-per-px", "0.6885",
            "-o", str(tmp / "image.h5ad"), "-m", "her2st-builtin", *cache)
    c.check(r.returncode == 0 and "her2st-builtin, shipped with stx" in r.stdout and "note" not in r.stdout,
            f"predict an image by model name: {r.returncode} {r.stdout} {r.stderr}")
    if r.returncode == 0:
        a = anndata.read_h5ad(tmp / "image.h5ad")
        c.check(a.n_obs > 100 and a.obsm["pathway_activity"].shape[1] == 50, f"image-only prediction: {a}")

    c5 = [str(source / "demo" / "her2st"), "--section", "C5", "-o", str(tmp / "x.h5ad"), *cache]
    one_error_line(run(stx, "predict", *c5, "-m", "her2st-bultin"), 1,
                   "her2st-bultin: not a shipped model's name nor a model file; shipped models: her2st-builtin",
                   "misspelt name")
    one_error_line(run(stx, "predict", *c5, "-m", str(tmp / "gone.pt")), 1, "gone.pt: no such model file", "missing file")
    damaged = tmp / "damaged.pt"
    damaged.write_bytes(model.read_bytes()[: model.stat().st_size // 3])
    for args in (["models", str(damaged)], ["predict", *c5, "-m", str(damaged)]):
        r = run(stx, *args)
        lines = r.stderr.strip().splitlines()
        c.check(r.returncode in (1, 2) and len(lines) == 1 and "damaged.pt" in lines[0] and "Traceback" not in r.stderr,
                f"truncated model, stx {args[0]}: exit {r.returncode}, {r.stderr!r}")

    # a model file whose archive holds a method (LibTorch would compile and run a __setstate__
    # at load): refused before LibTorch sees it
    import zipfile
    hostile = tmp / "hostile.pt"
    with zipfile.ZipFile(model) as src, zipfile.ZipFile(hostile, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("code/__torch__.py"):
                data += b"  def __setstate__(self, state: Tuple[int]) -> None:\n    return None\n"
            dst.writestr(info, data)
    for args in (["models", str(hostile)], ["predict", *c5, "-m", str(hostile)]):
        r = run(stx, *args)
        c.check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "is code, not a declaration" in r.stderr
                and "refuses to load a model file that would run code" in r.stderr,
                f"a model file with code, stx {args[0]}: exit {r.returncode}, {r.stderr!r}")

    # the card's numbers, from the command it names
    command = re.search(r"`stx (evaluate [^`]*) -o RUN`", text)
    c.check(command is not None, "the card names no stx evaluate command")
    if command:
        r = run(stx, *command.group(1).split(), "-o", str(tmp / "evaluate"), *cache, "-q", cwd=source, timeout=900)
        c.check(r.returncode == 0, f"the card's evaluate command: {r.stderr[-2000:]}")
        sys.path.insert(0, str(source / "scripts"))
        from write_model_card import fold_table
        if r.returncode == 0:
            folds = fold_table(tmp / "evaluate" / "cv_metrics.tsv")
            table = [l for l in text.splitlines() if l.startswith("| pathways") or l.startswith("| genes")]
            c.check(len(table) == 12, f"card table rows: {len(table)}")
            worst = 0.0
            for line in table:
                cells = [x.strip() for x in line.strip("|").split("|")]
                kind = "pathway" if cells[0].startswith("pathways") else "gene"
                fold = "B" if cells[1].startswith("B4") else "C"
                method = {"library size": "library size", "ridge on": "ridge", "**QuadFlow": "quadflow"}[
                    next(k for k in ("library size", "ridge on", "**QuadFlow") if cells[2].startswith(k))]
                r_, partial, pred = float(cells[3]), float(cells[4]), float(cells[5].split()[0])
                got = folds[(kind, fold, method)]
                worst = max(worst, abs(got[0] - r_), abs(got[1] - partial), abs(got[2] - pred))
                own, of = (int(x) for x in cells[6].split(" of "))
                c.check(of == got[5] and abs(own - got[4]) <= 1,
                        f"{kind} {fold} {method}: own {cells[6]} against {got[4]} of {got[5]}")
            print(f"card table against a fresh run of its command: largest difference {worst:.4f}")
            c.check(worst <= 0.01, f"the card's numbers differ from its command's by up to {worst:.4f}")

c.finish()
