#!/usr/bin/env python3
"""The layer rule of ARCHITECTURE.md, checked on the sources: a file may include the public
headers (include/stx/<layer>/) of its own layer and the layers below it, and private headers
only from its own folder. Usage: layers_test.py REPO_ROOT"""
import pathlib
import re
import sys

# Lowest first. histology/torch and the encoder registry belong to histology; src/torch_support
# publishes include/stx/torch/.
LAYERS = ["core", "stats", "io", "expression", "pathways", "torch", "histology", "model", "train",
          "eval", "explain", "domains", "viz", "report", "outputs", "pipeline", "apps"]
FOLDER_LAYER = {"torch_support": "torch"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = path.relative_to(root).parts
    if parts[0] == "apps":
        return "apps"
    if parts[0] == "src":
        return FOLDER_LAYER.get(parts[1], parts[1])
    if parts[:2] == ("include", "stx"):
        return parts[2]
    raise ValueError(f"{path}: not in src/, include/stx/ or apps/")


def violations(root: pathlib.Path):
    files = [p for d in ("src", "include", "apps") for p in (root / d).rglob("*")
             if p.suffix in (".cpp", ".hpp") or p.name.endswith(".cpp.in")]
    found = []
    for path in files:
        here = layer_of(path, root)
        if here not in LAYERS:
            found.append(f"{path.relative_to(root)}: layer '{here}' is not in the layer list")
            continue
        for name in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if name.startswith("stx/"):
                there = name.split("/")[1]
                if there not in LAYERS:
                    found.append(f"{path.relative_to(root)}: includes {name}, of no layer")
                elif LAYERS.index(there) > LAYERS.index(here):
                    found.append(f"{path.relative_to(root)} ({here}) includes {name} from the layer above ({there})")
                elif not (root / "include" / name).exists():
                    found.append(f"{path.relative_to(root)}: includes {name}, which does not exist")
            elif not (path.parent / name).exists():
                found.append(f"{path.relative_to(root)}: includes \"{name}\", a private header of another folder")
    return files, found


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    files, found = violations(root)
    assert len(files) > 150, f"only {len(files)} source files found under {root}: wrong root?"
    for layer in LAYERS:
        folder = "apps/stx" if layer == "apps" else "src/" + {v: k for k, v in FOLDER_LAYER.items()}.get(layer, layer)
        assert (root / folder).is_dir(), f"layer {layer}: {folder} is missing"
    for line in found:
        print(line)
    print(f"{len(files)} files, {len(found)} layer violations")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
