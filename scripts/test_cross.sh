#!/usr/bin/env bash
# Cross builds intformer for every ARM target in targets/ and runs its test suite under
# qemu-user (ctest uses CMAKE_CROSSCOMPILING_EMULATOR). Each target runs once per qemu CPU
# model chosen so that every kernel variant really executes on some model and is skipped (never
# passed) on the models that lack its ISA:
#   aarch64   cortex-a53 (neon), cortex-a76 (+dotprod), max (+i8mm)
#   armv7a    cortex-a15 (neon, hard-float)
#   armel     arm926 (ARMv5TE, no FPU, no SIMD: scalar kernels only)
# Usage: scripts/test_cross.sh [triple...]   (default: all three). Build trees: build-<triple>/,
# with one ctest log per CPU model (ctest-<model>.log). From scratch on the shared 2-core machine
# the whole run (setup check, 3 builds, 5 ctest runs) took 14 min wall, 7.6 min CPU, of which
# ctest is 6 min (docs/targets.md); trial counts stay as native.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

declare -A models=(
  [aarch64-linux-gnu]="cortex-a53 cortex-a76 max"
  [armv7a-linux-gnueabihf]="cortex-a15"
  [arm-linux-gnueabi]="arm926"
)
triples=("$@")
[ ${#triples[@]} -gt 0 ] || triples=(aarch64-linux-gnu armv7a-linux-gnueabihf arm-linux-gnueabi)

scripts/setup.sh --cross

# The golden logits test (tests/models/bert/golden_logits_test.cc) reads model files packed for
# every layout; the converter is a host tool, so a native build-host/ converts them first.
host=build-host
converted=$PWD/$host/converted
cmake -S . -B "$host" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINTFORMER_BUILD_BENCH=OFF
cmake --build "$host" -j"$jobs" --target intformer_cli
sh tests/models/bert/convert_golden.sh "$host/tools/cli/intformer" "$converted" \
  "$(sed -n 's/^INTFORMER_FIXTURES_DIR:PATH=//p' "$host/CMakeCache.txt")"

summary=()
status=0
for t in "${triples[@]}"; do
  [ -n "${models[$t]:-}" ] || { echo "test_cross: unknown target $t" >&2; exit 2; }
  cmake -S . -B "build-$t" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="targets/$t.toolchain.cmake" -DINTFORMER_BUILD_BENCH=OFF \
    -DINTFORMER_CONVERTED_DIR="$converted"
  cmake --build "build-$t" -j"$jobs"
  for cpu in ${models[$t]}; do
    echo "=== $t under qemu -cpu $cpu"
    log="build-$t/ctest-$cpu.log"
    rc=0
    (cd "build-$t" && QEMU_CPU=$cpu ctest --output-on-failure -j"$jobs") 2>&1 | tee "$log" ||
      rc=$?
    [ "$rc" = 0 ] || status=1
    skipped=$(grep -c "(Skipped)" "$log" || true)
    summary+=("$t $cpu: $(grep -E "tests passed|tests failed out of" "$log" | tail -1), \
$skipped skipped")
  done
done
printf '%s\n' "=== summary" "${summary[@]}"
exit $status
