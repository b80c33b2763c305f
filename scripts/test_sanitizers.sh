#!/usr/bin/env bash
# Builds the whole test suite with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/
# and runs ctest there. Every UBSan check is fatal (-fno-sanitize-recover=all), signed overflow
# and shifts included: the wrapping int32 arithmetic some GEMM kernels rely on is written with
# unsigned types (ops/gemm_s8/gemm_s8.h), so any report is a real bug to fix at its root.
# Third-party code is not instrumented (oneDNN, libgomp, pthreadpool are Debian's shared
# libraries); LeakSanitizer reports whose stack lies entirely in them are suppressed by
# tests/sanitizers/lsan.supp (their process-lifetime caches); nothing of ours is suppressed.
#   scripts/test_sanitizers.sh [extra ctest arguments, e.g. -R format]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
CC=${CC_SAN:-clang-14}
CXX=${CXX_SAN:-clang++-14}
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only"
# C programs (examples/, the C API's C test) linked by the C driver still need UBSan's C++ half
# (vptr checks in libintformer.so) and the C++ runtime it refers to.
link_cxx="-fsanitize-link-c++-runtime -lstdc++"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined $link_cxx" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DINTFORMER_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The install test builds an uninstrumented consumer against the instrumented static library;
# it checks packaging, not memory safety, and runs in the plain build (scripts/test.sh).
(cd build-asan && ctest --output-on-failure -j"$jobs" -E '^install' "$@")
