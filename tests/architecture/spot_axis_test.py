"""The spot axis lives in one container (issue #31 item 1): only the Slide and the readers that
build it (src/io, include/stx/io, and the feature cache, which checks the ids its files
record against the slide) hold spot ids or spot positions. Everything else carries
per-spot values as rows of a Slide (SlideData.spots, obsm, a matrix checked against
n_spots()) and joins files by spot id only through Slide::rows_of_spots.

Fails on
  - a vector member of a struct or class outside io named like a spot axis (spot_ids, barcodes, pixel_x,
    pixel_y, x_um, y_um, array_row, array_col, in_tissue, spatial);
  - a map keyed by spot id built outside io (a `.spot_ids[...]` or `spot_ids.at(...)` passed
    to emplace/insert/find or used as a map subscript).

Usage: spot_axis_test.py SOURCE_DIR
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
AXIS = r"(spot_ids|barcodes|pixel_x|pixel_y|x_um|y_um|array_row|array_col|in_tissue|spatial)"
# a data member: a type, the name, then an initialiser or the end of the declaration
MEMBER = re.compile(r"^\s*std::vector<[\w:<>, ]+>\s+" + AXIS + r"(?:\s*[;={]|\s*,\s*\w+\s*;)")
JOIN = re.compile(r"(emplace|insert|find|count)\([^;]*\bspot_ids\s*\[|\[\s*[\w.>-]*spot_ids\s*\[")


# Files that read a format recording spot ids, to check it against the Slide it belongs to.
READERS = {"src/histology/encoders/feature_cache.cpp"}  # the feature cache's /spot_ids and /spatial


def in_io(path):
    parts = path.relative_to(root).parts
    return parts[:2] == ("src", "io") or parts[:3] == ("include", "stx", "io") or "/".join(parts) in READERS


failures, files, types = [], 0, 0
for folder in ("src", "include", "apps"):
    for path in sorted((root / folder).rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h") or in_io(path):
            continue
        files += 1
        depth = 0
        bodies = []  # the depth inside each struct or class body open at this line
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.split("//", 1)[0]
            where = f"{path.relative_to(root)}:{number}"
            if bodies and depth == bodies[-1] and MEMBER.match(line) and "(" not in line:
                failures.append(f"{where}: a spot axis member outside the Slide: {raw.strip()}")
            if JOIN.search(line):
                failures.append(f"{where}: a join by spot id outside Slide::rows_of_spots: {raw.strip()}")
            if re.match(r"^\s*(struct|class)\s+\w+[^;()]*\{", line):
                bodies.append(depth + 1)
                types += 1
            depth += line.count("{") - line.count("}")
            while bodies and depth < bodies[-1]:
                bodies.pop()
for failure in failures:
    print("FAIL", failure)
print(f"{files} files outside io, {types} structs and classes checked, {len(failures)} failed")
sys.exit(1 if failures or files < 100 or types < 100 else 0)
