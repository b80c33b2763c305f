#!/bin/sh
# Converts the sst2-bert-tiny fixture once per gemm_s8 layout into <out>/sst2-bert-tiny.<target>.ifm
# for golden_logits_test.cc. Runs on the host (the converter is a host float tool): as the native
# ctest fixture convert_golden_models, and from scripts/test_cross.sh for the cross builds.
# Every file gets the same calibration (same rows, same float math); only the packing differs.
# Usage: convert_golden.sh <intformer CLI> <out dir> <fixtures dir>
set -eu
cli=$1 out=$2 fixtures=$3
mkdir -p "$out"
for t in ref avx2 avx512vnni neon neondot i8mm; do
  f="$out/sst2-bert-tiny.$t.ifm"
  # Up to date when newer than the CLI that wrote it (a new converter rewrites every file).
  if [ -f "$f" ] && [ "$f" -nt "$cli" ]; then continue; fi
  "$cli" convert "$fixtures/models/sst2-bert-tiny" -o "$f" --target "$t" \
    --calib "$fixtures/glue/SST-2/train.tsv" -q
  echo "convert_golden: $f"
done
