#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang under AddressSanitizer + UBSan (build/fuzz)
# and runs each for SECONDS (default 20) from its seed corpus (fuzz/corpus/<name>, copied to
# build/fuzz/corpus so that what a run finds is kept for the next). Exits non-zero on the
# first crash, hang, leak or sanitizer report; libFuzzer writes the input as crash-* / timeout-*
# in build/fuzz/findings. Without TARGETs it also builds and runs stx_sanitized_tests, the
# unit and data tests of the torch-free layers under the same sanitizers (CI's sanitizer tier).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache_env.sh
seconds=${1:-20}
shift || true
targets=("$@")
tests=()
if ((${#targets[@]} == 0)); then
  tests=(stx_sanitized_tests)
  targets=(fuzz_pickle fuzz_safetensors fuzz_gmt fuzz_image fuzz_mtx fuzz_h5 fuzz_legacy_st fuzz_spaceranger
           fuzz_torchscript_sidecar fuzz_torch_zip fuzz_model_metadata fuzz_parquet fuzz_pyramid)
fi
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTX_FUZZ=ON -DSTX_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --parallel "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" "${tests[@]}"
mkdir -p build/fuzz/findings
asan=detect_leaks=1:abort_on_error=1
lsan=suppressions=$PWD/fuzz/lsan.supp
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$name"/* "$corpus"/
  echo "fuzz: $t for ${seconds} s"
  # an input on which HDF5 loops forever is stopped by the crash guard after 30 s: not a hang
  timeout=10 malloc_limit=2048
  if [[ $t == fuzz_h5 ]]; then timeout=60; fi
  # HDF5 mallocs what a damaged object header declares (8 GiB for fuzz/corpus/h5/
  # object_header_8gib_malloc.h5ad) and touches little of it: the release binary reads that
  # file at 188 MB peak RSS. Such a malloc is not a finding; the RSS limit still holds.
  if [[ $t == fuzz_h5 ]]; then malloc_limit=16384; fi
  ASAN_OPTIONS=$asan UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=$lsan \
    build/fuzz/fuzz/"$t" -max_total_time="$seconds" -timeout=$timeout -rss_limit_mb=2048 -malloc_limit_mb=$malloc_limit -max_len=65536 \
    -artifact_prefix=build/fuzz/findings/"$t"- -print_final_stats=1 "$corpus" 2>build/fuzz/"$t".log \
    || { tail -40 build/fuzz/"$t".log; echo "fuzz: $t found a problem (input in build/fuzz/findings)"; exit 1; }
  # the last two: a target that forks (fuzz_h5's crash guard) logs its children's stats too
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" build/fuzz/"$t".log | tail -2 | tr '\n' ' '
  echo
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
for t in "${tests[@]}"; do
  # a damaged-file test crashes HDF5 in a child process on purpose: its report goes to the log
  # (and fuzz_h5 leaves such inputs in findings/ too: only a failing target is a finding)
  echo "sanitizers: $t (ASan + UBSan + LeakSanitizer)"
  ASAN_OPTIONS=$asan UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=$lsan OMP_WAIT_POLICY=passive \
    build/fuzz/fuzz/"$t" --gtest_brief=1 >build/fuzz/"$t".log 2>&1 \
    || { grep -E "FAILED|ERROR|runtime error" build/fuzz/"$t".log | head -40; echo "sanitizers: $t failed (build/fuzz/$t.log)"; exit 1; }
  grep -E "^\[  PASSED  \]" build/fuzz/"$t".log
done
