#!/usr/bin/env bash
# The README's second command (and CI's): install build + test dependencies, build with the
# tests, run the fuzz targets briefly, then every tier (unit, data, interop, slow: see
# tests/CMakeLists.txt). Under CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-tests
werror=OFF
if [[ "${CI:-}" == "true" ]]; then werror=ON; fi
bash scripts/build.sh -DSTX_BUILD_TESTS=ON -DSTX_WERROR="$werror"
# The readers of untrusted bytes under libFuzzer + ASan + UBSan: each target replays its seed
# corpus (past findings included) and fuzzes for 5 s (fuzz/, scripts/fuzz.sh).
bash scripts/fuzz.sh 5
cd build/release
exec ctest --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)"
