#!/usr/bin/env bash
# Runs every test of intformer: installs dependencies (scripts/setup.sh), builds the native
# Release tree in build/ and runs ctest there. Every kernel variant the CPU implements runs;
# variants it lacks are reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
