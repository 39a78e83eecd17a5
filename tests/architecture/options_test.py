"""Each command-line option of stx is registered in one file (issue #31: options stated twice
drifted apart in range and help). The option names passed to CLI11's add_option/add_flag in
apps/stx/ are collected per file; a name in two files fails, positionals ("input") aside.

Usage: options_test.py SOURCE_DIR
"""
import collections
import pathlib
import re
import sys

apps = pathlib.Path(sys.argv[1]) / "apps" / "stx"
where = collections.defaultdict(set)
for path in sorted(apps.glob("*.cpp")):
    for name in re.findall(r'add_(?:option|flag)\(\s*"([^"]+)"', path.read_text()):
        if name.startswith("-"):
            where[name].add(path.name)
twice = {name: sorted(files) for name, files in where.items() if len(files) > 1}
for name, files in sorted(twice.items()):
    print(f"FAIL option {name} is registered in {', '.join(files)}")
print(f"{len(where)} options, {len(where) - len(twice)} passed, {len(twice)} failed")
sys.exit(1 if twice or len(where) < 50 else 0)
