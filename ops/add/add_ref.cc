// Normative residual add (add.h).
#include "ops/add/add.h"

namespace intformer {

void AddS32S8Ref(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p) {
  for (size_t i = 0; i < n; ++i) dst[i] = AddOne(a[i], b[i], p);
}

}  // namespace intformer
