#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (-fsanitize=fuzzer,address,undefined,
# build-fuzz/) and runs each for a bounded time, starting from its checked-in seed corpus.
#   scripts/fuzz.sh [seconds per target, default 30] [target...]
# Fails on the first crash, leak, sanitizer report or timeout: the reproducer is left in
# build-fuzz/artifacts/<target>/ (add it to tests/fuzz/<target>/ once fixed: the corpus replays
# in every ctest run). New interesting inputs go to build-fuzz/corpus/<target>/ (not the tree).
# Longer campaigns: give more seconds, or run a target by hand with -jobs=N -workers=N
# (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_model_file fuzz_checkpoint fuzz_pickle fuzz_tokenizer fuzz_c_api)
CC=${CC_FUZZ:-clang-14}
CXX=${CXX_FUZZ:-clang++-14}

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DINTFORMER_FUZZ=ON \
  -DINTFORMER_BUILD_TESTS=OFF -DINTFORMER_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  log=build-fuzz/$t.log
  # -rss_limit_mb: the loader promises no large allocation, so 2 GB is already a finding.
  if ./build-fuzz/tests/fuzz/$t -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
       -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$corpus" "tests/fuzz/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t: ok, $runs executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "fuzz: $t: FAILED (log $log, reproducer in $artifacts/):"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -20
    status=1
  fi
done
exit $status
