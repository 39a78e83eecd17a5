#!/usr/bin/env bash
# The README's first command: install what the build needs, build, run `stx demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DSTX_BUILD_TESTS=OFF
exec build/release/apps/stx/stx demo "$@"
