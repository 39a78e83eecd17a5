"""`stx ingest` on every HER2ST section gives the spot, gene and count totals of an
independent Python join of the counts table with the spot selection table.

Usage: her2st_sections_test.py STX SHARED_DATA SOURCE_DIR
"""
import json
import pathlib
import sys

from common import Checks, parse_legacy_st, run

stx, shared = sys.argv[1], pathlib.Path(sys.argv[2])
her2st = shared / "her2st"
c = Checks("her2st-sections")
sections = sorted(p.name.split(".")[0] for p in (her2st / "counts").iterdir())
c.check(len(sections) == 35, f"expected 35 sections (A1-H3 with B4), found {len(sections)}")
for s in sections:
    ids, genes, counts, spots = parse_legacy_st(str(her2st / "counts" / f"{s}.tsv.gz"),
                                                str(her2st / "spots" / f"{s}_selection.tsv"))
    joined = [i for i in ids if i in spots]
    r = run(stx, "ingest", str(her2st), "--section", s, "--json")
    if r.returncode != 0:
        c.check(False, f"{s}: stx exit {r.returncode}: {r.stderr}")
        continue
    got = json.loads(r.stdout)
    c.check(got["spots"] == len(joined), f"{s}: spots {got['spots']} != {len(joined)}")
    c.check(got["genes"] == len(genes), f"{s}: genes {got['genes']} != {len(genes)}")
    c.check(got["total_counts"] == counts.sum(), f"{s}: total {got['total_counts']} != {counts.sum()}")
    dropped = len(spots) - len(joined)
    reported = any(f"{dropped} selected spot(s)" in n for n in got["notes"])
    c.check(reported == (dropped > 0), f"{s}: {dropped} unmatched spots, notes {got['notes']}")
    print(f"{s}: {got['spots']} spots x {got['genes']} genes, {dropped} selected spot(s) without counts")
c.finish()
