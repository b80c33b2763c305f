#!/usr/bin/env bash
# Runs the multi-threaded tests under ThreadSanitizer (clang -fsanitize=thread, build-tsan/):
# one model shared by sessions on several threads, sessions with worker pools, the GEMM driver's
# parallel tiles, concurrent tokenizer encodes, and the C API's per-thread error slots.
# pthreadpool is Debian's uninstrumented shared library: TSan cannot see the happens-before its
# futex wake-ups give, so tests/sanitizers/tsan.supp names it (and libgomp, oneDNN's OpenMP).
#   scripts/test_tsan.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
CC=${CC_TSAN:-clang-14}
CXX=${CXX_TSAN:-clang++-14}
flags="-fsanitize=thread -fno-omit-frame-pointer -gline-tables-only"

cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DINTFORMER_BUILD_BENCH=OFF >/dev/null
cmake --build build-tsan -j"$jobs" --target bert_encoder_test c_api_test tokenizer_api_test \
  gemm_s8_driver_test intformer_cli

export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/sanitizers/tsan.supp}
(cd build-tsan && ctest --output-on-failure -j"$jobs" "$@" -R \
  'EncoderThreadsTest|ThreadCounts|CallerArena|CApi\.LastError|ThreadsAndArena|TokenizerConcurrency|GemmDriver.*[Tt]hread')
