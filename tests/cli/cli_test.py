"""The stx command line: exit codes, one-line errors, atomic outputs, --force, --json (the quick
checks; `stx demo` end to end is demo_test.py, so that the two run side by side).

Usage: cli_test.py STX SHARED_DATA SOURCE_DIR
"""
import gzip
import json
import pathlib
import sys
import tempfile

from common import Checks, run

stx, shared, source = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
c = Checks("cli")
her2st = shared / "her2st"

# --- usage errors exit 1, bad input 2 -------------------------------------------------------
r = run(stx, "--version")
c.check(r.returncode == 0 and r.stdout.startswith("stx "), f"--version: {r.returncode} {r.stdout!r}")
c.check(run(stx).returncode == 1, "no subcommand must be a usage error")
c.check(run(stx, "ingest").returncode == 1, "ingest without input must be a usage error")
c.check(run(stx, "ingest", "x", "--format", "visium").returncode == 1, "bad --format value")
c.check(run(stx, "ingest", str(her2st)).returncode == 1, "legacy ST folder without --section")

r = run(stx, "ingest", "/no/such/file.h5ad")
c.check(r.returncode == 2, f"missing input exits 2, got {r.returncode}")
lines = r.stderr.strip().splitlines()
c.check(len(lines) == 1 and "/no/such/file.h5ad" in lines[0] and lines[0].startswith("stx: error:"),
        f"one-line error naming the file, got {r.stderr!r}")


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    out = tmp / "out.h5ad"

    # --- bad input leaves no output file and no temporary behind ------------------------------
    whole = (her2st / "counts" / "C2.tsv.gz").read_bytes()
    (tmp / "C2.tsv.gz").write_bytes(whole[: len(whole) // 2])
    r = run(stx, "ingest", str(tmp / "C2.tsv.gz"), "--spots", str(her2st / "spots/C2_selection.tsv"),
            "-o", str(out))
    c.check(r.returncode == 2, f"truncated gzip exits 2, got {r.returncode}: {r.stderr}")
    c.check("C2.tsv.gz" in r.stderr and "truncated" in r.stderr, f"message names file: {r.stderr!r}")
    c.check(sorted(p.name for p in tmp.iterdir()) == ["C2.tsv.gz"], f"left behind: {list(tmp.iterdir())}")

    text = gzip.decompress(whole).decode().splitlines(True)
    text[2] = text[2].replace("\t0\t", "\t-3\t", 1)
    (tmp / "neg.tsv").write_text("".join(text))
    r = run(stx, "ingest", str(tmp / "neg.tsv"), "--spots", str(her2st / "spots/C2_selection.tsv"),
            "-o", str(out))
    c.check(r.returncode == 2 and "neg.tsv: line 3" in r.stderr and "-3" in r.stderr,
            f"negative count: {r.returncode} {r.stderr!r}")
    c.check(not out.exists(), "no output after a negative count")

    # --- outputs: written whole, refused when present, replaced with --force --------------------
    args = ["ingest", str(her2st), "--section", "C2", "-o", str(out)]
    r = run(stx, *args)
    c.check(r.returncode == 0 and out.exists(), f"ingest -o: {r.returncode} {r.stderr}")
    c.check(sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")) == [], "temp file left")
    before = out.stat().st_mtime_ns
    r = run(stx, *args)
    c.check(r.returncode == 1 and "--force" in r.stderr, f"existing output refused: {r.stderr!r}")
    c.check(out.stat().st_mtime_ns == before, "refused output must be untouched")
    r = run(stx, *args, "--force")
    c.check(r.returncode == 0, f"--force overwrites: {r.stderr}")
    r = run(stx, "ingest", str(her2st), "--section", "C2", "-o", str(tmp / "nodir" / "x.h5ad"))
    c.check(r.returncode == 2 and "does not exist" in r.stderr, f"missing out dir: {r.stderr!r}")

    # --- JSON summary ----------------------------------------------------------------------------
    r = run(stx, "ingest", str(her2st), "--section", "C2", "--json")
    summary = json.loads(r.stdout)
    c.check(summary["spots"] == 187 and summary["genes"] == 15706, f"C2 json: {summary}")
    c.check(summary["image_width"] == 9274 and abs(summary["um_per_px"] - 0.688098) < 1e-5,
            f"C2 image/scale: {summary}")

    # --- stx score ----------------------------------------------------------------------------------
    section = ["score", str(her2st), "--section", "C2"]
    r = run(stx, *section)
    c.check(r.returncode == 1 and "nothing to write" in r.stderr, f"score without outputs: {r.stderr!r}")
    tsv = tmp / "C2_scores.tsv"
    r = run(stx, *section, "--tsv", str(tsv), "--method", "ulm", "--threads", "2")
    c.check(r.returncode == 0 and tsv.exists(), f"score --tsv: {r.returncode} {r.stderr}")
    rows = tsv.read_text().splitlines()
    header = rows[0].split("\t")
    c.check(len(rows) == 188 and len(header) == 51 and header[0] == "spot", "TSV: 187 spots x 50 pathways")
    c.check(header[1] == "HALLMARK_TNFA_SIGNALING_VIA_NFKB" and rows[1].startswith("10x21\t"), "TSV order")
    r = run(stx, *section, "--tsv", str(tsv), "--json")
    c.check(r.returncode == 1 and "--force" in r.stderr, "score refuses an existing TSV")
    r = run(stx, *section, "--tsv", str(tsv), "--json", "--force")
    qc = json.loads(r.stdout)
    c.check(qc["method"] == "rank" and len(qc["pathways"]) == 50, f"default method rank: {qc['method']}")
    c.check(0 < qc["mean_abs_depth_r"] < 1 and qc["mean_morans_i"] > 0, f"score QC present: {qc}")
    (tmp / "mouse.gmt").write_text("S1\tdesc\tNotAGene1\tNotAGene2\tNotAGene3\tNotAGene4\tNotAGene5\n")
    r = run(stx, *section, "--tsv", str(tmp / "x.tsv"), "--genesets", str(tmp / "mouse.gmt"))
    c.check(r.returncode == 1 and "no gene set has 5 or more genes" in r.stderr, f"no set matches: {r.stderr!r}")
    c.check(not (tmp / "x.tsv").exists(), "no TSV written when no set matches")
    (tmp / "bad.gmt").write_text("ONLY_A_NAME\n")
    r = run(stx, *section, "--tsv", str(tmp / "x.tsv"), "--genesets", str(tmp / "bad.gmt"))
    c.check(r.returncode == 2 and "bad.gmt: line 1" in r.stderr, f"malformed GMT: {r.stderr!r}")

    # --- stx encode -------------------------------------------------------------------------------
    demo = source / "demo" / "her2st"
    enc = ["encode", str(demo), "--section", "C5", "--cache-dir", str(tmp / "cache"), "--patch-px", "64"]
    r = run(stx, *enc)
    c.check(r.returncode == 0 and "60 features per spot" in r.stdout and "computed" in r.stdout,
            f"encode: {r.returncode} {r.stdout} {r.stderr}")
    r = run(stx, *enc)
    c.check(r.returncode == 0 and "reused from the cache" in r.stdout, f"encode reuses: {r.stdout}")
    r = run(stx, "encode", str(demo / "images" / "C5.jpg"), "--cache-dir", str(tmp / "cache"),
            "--patch-px", "64")
    c.check(r.returncode == 1 and "pass --um-per-px" in r.stderr, f"image without scale: {r.stderr!r}")
    r = run(stx, "encode", str(demo / "images" / "C5.jpg"), "--um-per-px", "0.6885", "--cache-dir",
            str(tmp / "cache"), "--patch-px", "64", "--grid", "square", "--pitch-um", "200")
    c.check(r.returncode == 0 and "pseudo-spots on a square grid" in r.stderr, f"image only: {r.stderr}")
    r = run(stx, "encode", str(shared / "visium_spaceranger_v2_raw_probe_bc_matrix.h5"))
    c.check(r.returncode == 2 and "no H&E image found" in r.stderr, f"encode needs an image: {r.stderr!r}")

c.finish()
