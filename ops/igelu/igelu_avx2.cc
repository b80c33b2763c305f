// i-GELU for xsimd::avx2 (compiled with the avx2 flags only).
#include "ops/igelu/igelu_variants.h"
#include "ops/igelu/igelu_xsimd.h"

namespace intformer {

void IGeluAvx2(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p) {
  IGeluXsimd<xsimd::avx2>(src, dst, n, p);
}

}  // namespace intformer
