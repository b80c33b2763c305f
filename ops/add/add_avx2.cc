// Residual add, avx2 instance of the xsimd template (add_xsimd.h).
#include "ops/add/add_variants.h"
#include "ops/add/add_xsimd.h"

namespace intformer {

void AddS32S8Avx2(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p) {
  AddS32S8Xsimd<xsimd::avx2>(a, b, dst, n, p);
}

}  // namespace intformer
