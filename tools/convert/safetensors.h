// safetensors reader. Layout: u64 little-endian header length N, N bytes of JSON
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the data
// section; offsets are relative to the data section. Every extent is checked before any byte is
// read: a truncated file, offsets outside the data section, two tensors sharing bytes, or a byte
// size that disagrees with shape x dtype each give their own StatusCode.
#ifndef INTFORMER_TOOLS_CONVERT_SAFETENSORS_H_
#define INTFORMER_TOOLS_CONVERT_SAFETENSORS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/raw_tensor.h"
#include "tools/convert/status.h"

namespace intformer {
namespace convert {

// Parses `file` (the whole file's bytes); `origin` names it in messages. Tensor byte ranges in
// `out` are absolute offsets into `file`.
Status ParseSafetensors(const std::vector<uint8_t>& file, const std::string& origin,
                        std::vector<RawTensor>* out);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_SAFETENSORS_H_
