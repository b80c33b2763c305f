// A safe interpreter for the pickle stream (data.pkl) torch.save writes for a state dict. It is not
// a general unpickler: it builds plain values (None, bool, int, float, str, tuple, list, dict) and
// knows exactly four kinds of global, all of which it evaluates itself instead of importing:
//   collections.OrderedDict                       -> a dict (BUILD state such as _metadata ignored)
//   torch._utils._rebuild_tensor_v2 / _rebuild_parameter -> a tensor record
//   torch.<Float|Half|BFloat16|Double|Long|Int|Short|Char|Byte|Bool>Storage -> a storage type,
//       legal only inside a persistent id ('storage', type, key, location, numel)
// Any other GLOBAL / STACK_GLOBAL (os.system, builtins.eval, ...) is refused with kUnsafePickle
// naming it, before anything could be called; so are INST/OBJ/NEWOBJ and the extension registry.
#ifndef INTFORMER_TOOLS_CONVERT_TORCH_PICKLE_H_
#define INTFORMER_TOOLS_CONVERT_TORCH_PICKLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/raw_tensor.h"
#include "tools/convert/status.h"

namespace intformer {
namespace convert {

struct PickledTensor {
  std::string name;         // state-dict key
  DType dtype = DType::kF32;
  std::string storage_key;  // the zip entry data/<key>
  int64_t storage_numel = 0;
  int64_t offset = 0;       // in elements
  std::vector<int64_t> shape, strides;
};

// Interprets `data`; the top-level object must be a dict of str -> tensor (non-tensor values such
// as version ints are skipped). `origin` names the stream in messages.
Status ParseStateDictPickle(const uint8_t* data, size_t size, const std::string& origin,
                            std::vector<PickledTensor>* out);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_TORCH_PICKLE_H_
