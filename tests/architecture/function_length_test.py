"""No function under src/ or apps/ is longer than 60 lines, and no source file longer than 400
(issue #31: long functions did several jobs; a reader should find one job per function).

A function is a definition that starts at column 0 (the project's style: free functions and
out-of-class members) and ends at the next '}' at column 0; its signature lines count. Member
functions defined inside a class body are not measured.

Usage: function_length_test.py SOURCE_DIR
"""
import pathlib
import sys

MAX_FUNCTION, MAX_FILE = 60, 400
root = pathlib.Path(sys.argv[1])
NOT_FUNCTIONS = ("namespace", "struct", "class", "enum", "union", "extern", "}", "#", "//", "template")


def functions(lines):
    """(first line, length) of each column-0 function definition."""
    i = 0
    while i < len(lines):
        line = lines[i]
        opens = line and not line[0].isspace() and line.rstrip().endswith("{")
        if opens and not line.startswith(NOT_FUNCTIONS) and "(" in "".join(lines[max(0, i - 3):i + 1]) \
                and "=" not in line.split("(")[0]:
            end = i + 1
            while end < len(lines) and not lines[end].startswith("}"):
                end += 1
            start = i  # the signature may span the lines above
            while start > 0 and lines[start - 1].strip() and not lines[start - 1].rstrip().endswith((";", "}", "{")) \
                    and not lines[start - 1].startswith(("//", "#")):
                start -= 1
            yield start + 1, end - start + 1
            i = end
        i += 1


sources = sorted(p for folder in ("src", "apps") for p in (root / folder).rglob("*") if p.suffix in {".cpp", ".hpp"})
failures, count = [], 0
for path in sources:
    lines = path.read_text().splitlines()
    if len(lines) > MAX_FILE:
        failures.append(f"{path.relative_to(root)}: {len(lines)} lines (at most {MAX_FILE})")
    for first, length in functions(lines):
        count += 1
        if length > MAX_FUNCTION:
            failures.append(f"{path.relative_to(root)}:{first}: a function of {length} lines (at most {MAX_FUNCTION}): "
                            f"{lines[first - 1].strip()[:80]}")
for f in failures:
    print(f"FAIL {f}")
print(f"{len(sources)} files, {count} functions; {len(failures)} over the limits")
sys.exit(1 if failures or count < 500 else 0)
