#!/usr/bin/env bash
# The README's second command (and CI's): install build + test dependencies, build with the
# tests, run every tier (unit, data, interop, slow: see tests/CMakeLists.txt). Under CI
# (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-tests
werror=OFF
if [[ "${CI:-}" == "true" ]]; then werror=ON; fi
bash scripts/build.sh -DSTX_BUILD_TESTS=ON -DSTX_WERROR="$werror"
cd build/release
exec ctest --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)"
