#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang under AddressSanitizer + UBSan (build/fuzz)
# and runs each for SECONDS (default 20) from its seed corpus (fuzz/corpus/<name>, copied to
# build/fuzz/corpus so that what a run finds is kept for the next). Exits non-zero on the
# first crash, hang, leak or sanitizer report; libFuzzer writes the input as crash-* / timeout-*
# in build/fuzz/findings. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses the
# objects a developer's build left; without these it hashes absolute paths and misses.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
seconds=${1:-20}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz_pickle fuzz_safetensors fuzz_gmt fuzz_image fuzz_mtx fuzz_h5 fuzz_legacy_st fuzz_spaceranger
           fuzz_torchscript_sidecar fuzz_torch_zip fuzz_model_metadata)
fi
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTX_FUZZ=ON -DSTX_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --parallel "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"
mkdir -p build/fuzz/findings
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzz: $t for ${seconds} s"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=fuzz/lsan.supp \
    build/fuzz/fuzz/"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=build/fuzz/findings/"$t"- -print_final_stats=1 "$corpus" 2>build/fuzz/"$t".log \
    || { tail -40 build/fuzz/"$t".log; echo "fuzz: $t found a problem (input in build/fuzz/findings)"; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" build/fuzz/"$t".log | tr '\n' ' '
  echo
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
