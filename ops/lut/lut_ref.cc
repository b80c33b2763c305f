// Normative table lookup (lut.h); in-place use (dst == src) is allowed.
#include "ops/lut/lut.h"

namespace intformer {

void LutS8Ref(const int8_t* src, int8_t* dst, size_t n, const int8_t* table) {
  for (size_t i = 0; i < n; ++i) dst[i] = table[static_cast<uint8_t>(src[i])];
}

}  // namespace intformer
