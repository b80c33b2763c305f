// Fuzz target: the converter's checkpoint readers on arbitrary bytes. CheckpointReader::FromBytes
// picks the format as Open does (a zip signature: torch's pytorch_model.bin, i.e. the zip reader,
// then the safe pickle interpreter on data.pkl; otherwise safetensors' JSON header), validates
// every extent, and every tensor that passes is then fetched (the F32/F16/BF16 -> float
// conversion and the NaN / Inf scan), so both the parsers and the gathers see hostile input.
// Seeds: tests/fuzz/fuzz_checkpoint/ (safetensors and torch zips; docs/reliability.md).
#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using intformer::convert::CheckpointReader;
  auto reader = CheckpointReader::FromBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!reader.ok()) return 0;
  for (const std::string& name : reader->Names()) {
    const auto* info = reader->Info(name);
    if (info == nullptr) __builtin_trap();  // Names() and Info() disagree: a bug
    (void)reader->Fetch(name);
  }
  return 0;
}
