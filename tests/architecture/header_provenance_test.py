#!/usr/bin/env python3
"""Every system header the build read comes from a Debian package that the README's first
command installs: one of scripts/install-deps.sh's build_pkgs or a package they depend on.

The test packages pull in more than the build needs (Boost came in with them, and a fresh
machine that installed only build_pkgs could not compile the Parquet reader). So the headers
are taken from what the compiler really read (Ninja's depfile log, `ninja -t deps`), each
mapped to the package that owns it (dpkg's file lists, as `dpkg -S`), and checked against
the dependency closure of build_pkgs (`apt-cache depends --recurse`, without recommends).

Then it shows that it can fail: with one build package dropped from the list (libboost-dev
by default), the same headers must be reported as from a package outside the build set.

Usage: header_provenance_test.py BUILD_DIR REPO_ROOT [--drop PKG]"""
import glob
import os
import re
import subprocess
import sys


def build_packages(install_script):
    """The words of the build_pkgs=( ... ) array, comments left out."""
    text = open(install_script, encoding="utf-8").read()
    match = re.search(r"^build_pkgs=\((.*?)^\)", text, re.S | re.M)
    if not match:
        sys.exit(f"{install_script}: no build_pkgs=( ... ) array")
    words = []
    for line in match.group(1).splitlines():
        words += line.split("#", 1)[0].split()
    return words


def dependency_closure(packages):
    """The packages, and every package they depend on (pre-depends too), recursively, as
    installed here. Alternatives (a | b) all count: either may be the one installed."""
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True, check=True).stdout
    names = set(packages)
    for line in out.splitlines():
        if not line.startswith(" "):
            names.add(line.strip().strip("<>"))
        else:
            field, _, name = line.strip().lstrip("|").partition(": ")
            if field in ("Depends", "PreDepends") and name:
                names.add(name.strip("<>"))
    return {n.split(":")[0] for n in names}  # libfoo:amd64 -> libfoo


def file_owners():
    """path -> package, from dpkg's file lists (what `dpkg -S` searches)."""
    owners = {}
    for listing in glob.glob("/var/lib/dpkg/info/*.list"):
        package = os.path.basename(listing)[:-len(".list")].split(":")[0]
        with open(listing, encoding="utf-8", errors="replace") as f:
            for path in f:
                owners.setdefault(path.rstrip("\n"), package)
    return owners


def owner_of(path, owners):
    candidates = [path, os.path.normpath(path), os.path.realpath(path)]
    for p in list(candidates):  # merged /usr: dpkg may list /lib/... for /usr/lib/... and back
        if p.startswith("/usr/"):
            candidates.append(p[len("/usr"):])
        else:
            candidates.append("/usr" + p)
    for p in candidates:
        if p in owners:
            return owners[p]
    return None


def headers_read(build_dir, repo_root):
    """The absolute paths outside the repository and the build folder that any compile of
    the build read, as Ninja recorded them from the compiler's depfiles."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], capture_output=True, text=True,
                         check=True).stdout
    inside = tuple(os.path.realpath(d) + os.sep for d in (repo_root, build_dir))
    headers = set()
    for line in out.splitlines():
        path = line.strip()
        if line.startswith(" ") and path.startswith("/") and not os.path.realpath(path).startswith(inside):
            headers.add(path)
    return headers


def foreign_headers(headers, allowed, owners):
    """package (or None: owned by no package) -> the headers it alone supplies."""
    foreign = {}
    for h in sorted(headers):
        package = owner_of(h, owners)
        if package not in allowed:
            foreign.setdefault(package, []).append(h)
    return foreign


def report(foreign):
    for package, paths in sorted(foreign.items(), key=lambda kv: str(kv[0])):
        where = f"package {package}" if package else "no Debian package"
        print(f"  {len(paths)} header(s) from {where}, e.g. {paths[0]}")


def main():
    args = sys.argv[1:]
    drop = "libboost-dev"
    if "--drop" in args:
        i = args.index("--drop")
        drop = args[i + 1]
        del args[i:i + 2]
    build_dir, repo_root = args
    packages = build_packages(os.path.join(repo_root, "scripts", "install-deps.sh"))
    owners = file_owners()
    headers = headers_read(build_dir, repo_root)
    if len(headers) < 100:
        sys.exit(f"FAIL: only {len(headers)} system headers recorded in {build_dir}'s Ninja log "
                 "(is the build complete?)")
    print(f"{len(headers)} system headers read by the build in {build_dir}; "
          f"{len(packages)} build packages in scripts/install-deps.sh")

    failed = 0
    foreign = foreign_headers(headers, dependency_closure(packages), owners)
    if foreign:
        failed += 1
        print("FAIL: headers from packages the README's first command does not install "
              "(add the package to build_pkgs in scripts/install-deps.sh):")
        report(foreign)
    else:
        print("ok: every header comes from build_pkgs or their dependencies")

    if drop not in packages:
        failed += 1
        print(f"FAIL: the self-check drops {drop}, which is not in build_pkgs (pick another with --drop)")
    else:
        without = foreign_headers(headers, dependency_closure([p for p in packages if p != drop]), owners)
        if without:
            print(f"ok: with {drop} dropped from build_pkgs the check fails, as it must:")
            report(without)
        else:
            failed += 1
            print(f"FAIL: with {drop} dropped from build_pkgs every header still has a build package: "
                  "the check could not have caught its absence")
    print(f"{2 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
