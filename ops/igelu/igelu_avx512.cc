// i-GELU for xsimd::avx512bw (compiled with the avx512 flags only).
#include "ops/igelu/igelu_variants.h"
#include "ops/igelu/igelu_xsimd.h"

namespace intformer {

void IGeluAvx512(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p) {
  IGeluXsimd<xsimd::avx512bw>(src, dst, n, p);
}

}  // namespace intformer
