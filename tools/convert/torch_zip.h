// pytorch_model.bin in torch's zip format (torch.save since PyTorch 1.6): <archive>/data.pkl is the
// pickled state dict, <archive>/data/<key> the raw little-endian storages it refers to, and
// <archive>/byteorder (newer torch) says "little". The legacy pre-1.6 tar/raw-pickle format is not
// read (kBadZip says so).
#ifndef INTFORMER_TOOLS_CONVERT_TORCH_ZIP_H_
#define INTFORMER_TOOLS_CONVERT_TORCH_ZIP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/raw_tensor.h"
#include "tools/convert/status.h"

namespace intformer {
namespace convert {

// Byte ranges in `out` are absolute offsets into `file`.
Status ParseTorchZip(const std::vector<uint8_t>& file, const std::string& origin,
                     std::vector<RawTensor>* out);

// True if `file` starts like a zip archive (local file header signature).
bool LooksLikeZip(const std::vector<uint8_t>& file);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_TORCH_ZIP_H_
