// Builders for hand-made checkpoint files: safetensors from a header string and data bytes, a
// stored (or "deflated") zip from named entries, and the pickle bytes torch.save would write for a
// one-tensor state dict. The checkpoint tests corrupt these one field at a time.
#ifndef INTFORMER_TESTS_TOOLS_BAD_FILES_H_
#define INTFORMER_TESTS_TOOLS_BAD_FILES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace intformer {
namespace test {

using Bytes = std::vector<uint8_t>;

Bytes MakeSafetensors(const std::string& header_json, const Bytes& data);
Bytes FloatBytes(const std::vector<float>& v);

// Entries are stored (method 0) unless `method` says otherwise; the bytes are written as given.
Bytes MakeZip(const std::vector<std::pair<std::string, Bytes>>& entries, uint16_t method = 0);

// Protocol-2 pickle of {name: _rebuild_tensor_v2(('storage', torch.<storage>, '0', 'cpu', numel),
// offset, shape, strides, False, OrderedDict())}.
Bytes StateDictPickle(const std::string& name, const std::string& storage, int64_t numel,
                      int64_t offset, const std::vector<int64_t>& shape,
                      const std::vector<int64_t>& strides);

// archive/data.pkl + archive/data/0 + archive/version, as torch.save lays them out.
Bytes MakeTorchZip(const Bytes& pickle, const Bytes& storage0);

Bytes ToBytes(const std::string& s);

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_TOOLS_BAD_FILES_H_
