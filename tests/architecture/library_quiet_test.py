"""The library never prints to stdout (issue #31: a run returns a result, apps/ prints it). Any
call under src/ that writes to stdout fails: std::cout, printf/puts, fmt::print without a
FILE* (fmt's stdout form) or with stdout. stderr and other FILE*s (logging, progress) are allowed.

Usage: library_quiet_test.py SOURCE_DIR
"""
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1]) / "src"
STDOUT = re.compile(r'std::cout|(?<![\w:])(?:std::)?printf\s*\(|(?<![\w:])(?:std::)?puts\s*\(|'
                    r'fmt::print\s*\(\s*(?:"|stdout\b)')
files = sorted(p for p in src.rglob("*") if p.suffix in {".cpp", ".hpp", ".h", ".cc"})
found = []
for path in files:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        code = line.split("//", 1)[0]
        for match in STDOUT.finditer(code):
            found.append(f"{path.relative_to(src.parent)}:{number}: {line.strip()}")
for f in found:
    print(f"FAIL prints to stdout: {f}")
print(f"{len(files)} files under src/, {len(found)} stdout print(s)")
sys.exit(1 if found or len(files) < 50 else 0)
