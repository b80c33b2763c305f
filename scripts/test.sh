#!/usr/bin/env bash
# Runs every test of intformer (README command 2; .ci/run calls exactly this). Stages, in order:
#   native     scripts/setup.sh, the Release build in build/, ctest: every kernel variant this
#              CPU implements runs (the rest are reported as skipped), the models, tools, C API
#   cross      scripts/test_cross.sh: aarch64 (cortex-a53, cortex-a76, max), armv7 hard-float and
#              armel soft-float under qemu-user, so every ARM variant runs bit-exact against ref
#   sanitizers scripts/test_sanitizers.sh: the whole suite again under ASan + UBSan
#   fuzz       scripts/fuzz.sh: each libFuzzer target for INTFORMER_FUZZ_SECONDS (default 20)
# INTFORMER_TEST_STAGES="native cross" picks a subset (default: all four). The last line sums
# the ctest results of every stage: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
stages=${INTFORMER_TEST_STAGES:-native cross sanitizers fuzz}
logdir=build-logs
mkdir -p "$logdir"

passed=0
failed=0
skipped=0
status=0
report=()

# Adds the counts of every ctest closing line ("N% tests passed, F tests failed out of T") in a
# log; test_cross.sh's own summary lines repeat them with a prefix and are not counted again.
count() {
  while read -r f t; do
    passed=$((passed + t - f))
    failed=$((failed + f))
  done < <(sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1 \2/p' "$1")
  # ctest counts a skipped test as passed; the closing line does not.
  local s
  s=$(grep -cE '^[[:space:]]+[0-9]+ - .*\(Skipped\)$' "$1" || true)
  passed=$((passed - s))
  skipped=$((skipped + s))
}

run_stage() {
  local name=$1
  shift
  local log=$logdir/$name.log start=$SECONDS rc=0
  echo "=== stage $name: $*"
  "$@" 2>&1 | tee "$log" || rc=$?
  count "$log"
  [ "$rc" = 0 ] || status=1
  report+=("$(printf '%-11s %s in %d s' "$name" "$([ "$rc" = 0 ] && echo ok || echo FAILED)" \
    $((SECONDS - start)))")
}

native() {
  scripts/setup.sh
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$jobs"
  (cd build && ctest --output-on-failure -j"$jobs")
}

for s in $stages; do
  case $s in
    native) run_stage native native ;;
    cross) run_stage cross scripts/test_cross.sh ;;
    sanitizers) run_stage sanitizers scripts/test_sanitizers.sh ;;
    fuzz) run_stage fuzz scripts/fuzz.sh "${INTFORMER_FUZZ_SECONDS:-20}" ;;
    *) echo "test.sh: unknown stage '$s'" >&2; exit 2 ;;
  esac
done

printf '%s\n' "=== stages (logs in $logdir/)" "${report[@]}"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
