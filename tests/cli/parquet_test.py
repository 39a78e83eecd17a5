"""The Parquet reader against hyparquet, an independent pure-JavaScript reader (#15).

Every column of every file must equal hyparquet's reading of it, value for value, nulls
included:
- the real Xenium 3.0 tables of ../shared/data/xenium_multiqc (written by Polars: ZSTD,
  data pages v1, PLAIN and RLE_DICTIONARY, optional columns of all six types);
- files written here by hyparquet-writer (data pages v2) uncompressed, in SNAPPY and GZIP,
  with dictionary, PLAIN and RLE booleans, nulls, several row groups and pages per column.
Then damaged copies of one of them must give a one-line error and exit 2, never a crash; a
damaged copy that is still read must give the values hyparquet reads (or the undamaged ones).

Usage: parquet_test.py STX_PARQUET_DUMP SHARED_DATA_DIR REPO_DIR
"""
import json
import pathlib
import subprocess
import sys
import tempfile

dump, shared, repo = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
reference = repo / "tests" / "parquet"
if not (reference / "node_modules" / "hyparquet").is_dir():
    sys.exit(f"FAIL: {reference}/node_modules lacks hyparquet: run scripts/install-deps.sh --with-tests")


def ours(path):
    done = subprocess.run([dump, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{path}: stx_parquet_dump exit {done.returncode}: {done.stderr}"
    return json.loads(done.stdout)


def hyparquet(path):
    done = subprocess.run(["node", str(reference / "dump.mjs"), str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{path}: hyparquet failed: {done.stderr}"
    return json.loads(done.stdout)


def compare(path):
    a, b = ours(path), hyparquet(path)
    assert a["rows"] == b["rows"], f"{path}: {a['rows']} rows, hyparquet {b['rows']}"
    assert list(a["columns"]) == list(b["columns"]), f"{path}: columns {list(a['columns'])} vs {list(b['columns'])}"
    nulls = 0
    for name, values in a["columns"].items():
        theirs = b["columns"][name]
        assert len(values) == len(theirs) == a["rows"], f"{path}:{name}: {len(values)} values, hyparquet {len(theirs)}"
        for i, (x, y) in enumerate(zip(values, theirs)):
            assert x == y, f"{path}:{name}[{i}]: {x!r}, hyparquet {y!r}"
        nulls += sum(v is None for v in values)
    print(f"ok {path.name}: {a['rows']} rows x {len(a['columns'])} columns equal hyparquet's ({nulls} nulls)")
    return a


checked = 0
for sample in ("sample1", "sample2"):
    for table in ("cells.parquet", "transcripts.parquet"):
        compare(shared / "xenium_multiqc" / sample / table)
        checked += 1

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    subprocess.run(["node", str(reference / "write_variants.mjs"), str(tmp)], check=True, timeout=120)
    read = {}  # codec -> the values, equal to hyparquet's
    for codec in ("uncompressed", "snappy", "gzip"):
        got = read[codec] = compare(tmp / f"variants_{codec}.parquet")
        assert got["rows"] == 3000 and sum(v is None for v in got["columns"]["area"]) == 273  # every 11th
        checked += 1

    # Damage: truncations, a flipped byte in the footer, zeroed pages. One line, exit 2.
    good = (tmp / "variants_snappy.parquet").read_bytes()
    footer_length = int.from_bytes(good[-8:-4], "little")
    cases = {
        "empty": b"",
        "not parquet": b"PAR1" + b"\0" * 64,
        "truncated end": good[:-3],
        "truncated middle": good[: len(good) // 2] + good[-8:],
        "footer length too big": good[:-8] + (len(good)).to_bytes(4, "little") + b"PAR1",
        "pages zeroed": good[:4] + b"\0" * (len(good) - 12 - footer_length) + good[-8 - footer_length:],
    }
    for offset in range(len(good) - 8 - footer_length, len(good) - 8, max(1, footer_length // 40)):
        cases[f"footer byte {offset} flipped"] = good[:offset] + bytes([good[offset] ^ 0xFF]) + good[offset + 1:]
    undamaged = read["snappy"]
    clean, still_valid, disagree = 0, 0, []
    for name, data in cases.items():
        path = tmp / "damaged.parquet"
        path.write_bytes(data)
        done = subprocess.run([dump, str(path)], capture_output=True, text=True, timeout=60)
        if done.returncode == 0:
            # A flipped byte in a statistic or an unused field can leave a readable file. Then
            # what we read must be what hyparquet reads from it, or (where hyparquet's Thrift
            # reader gives up on a field it cannot skip) the undamaged file's values: anything
            # else is damage accepted silently.
            theirs = subprocess.run(["node", str(reference / "dump.mjs"), str(path)], capture_output=True,
                                    text=True, timeout=120)
            expected = json.loads(theirs.stdout) if theirs.returncode == 0 else undamaged
            if json.loads(done.stdout) != expected:
                disagree.append(name)
            else:
                still_valid += 1
            continue
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), \
            f"{name}: exit {done.returncode}, stderr {done.stderr!r}"
        clean += 1
    assert clean >= 6, f"only {clean} of {len(cases)} damaged files were refused"
    assert not disagree, f"read without error, but hyparquet refuses or reads other values: {disagree}"
    print(f"ok damaged files: {clean} of {len(cases)} refused with one line and exit 2, {still_valid} read to the "
          f"values hyparquet reads (or the undamaged ones), none crashed or read silently wrong")

print(f"{checked} passed, 0 failed")
