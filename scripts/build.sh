#!/usr/bin/env bash
# Configures and builds SpatialTranscriptomer in build/release (incremental, ccache when
# present). Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache_env.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset release "$@" >/dev/null
cmake --build build/release --parallel "$jobs"
