// Fuzz target: the safe pickle interpreter (tools/convert/torch_pickle.h) on arbitrary bytes,
// without the zip around it, so every mutation lands in the opcode stream: stack and memo
// bounds, nesting, integer sizes, the global allow-list. Seeds: data.pkl streams torch.save
// wrote for the fixture checkpoints plus hostile ones (os.system, builtins.eval).
#include <cstdint>
#include <vector>

#include "tools/convert/torch_pickle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<intformer::convert::PickledTensor> tensors;
  (void)intformer::convert::ParseStateDictPickle(data, size, "fuzz", &tensors);
  return 0;
}
