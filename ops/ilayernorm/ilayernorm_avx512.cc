// i-LayerNorm, avx512 instance of the xsimd template (ilayernorm_xsimd.h).
#include "ops/ilayernorm/ilayernorm_variants.h"
#include "ops/ilayernorm/ilayernorm_xsimd.h"

namespace intformer {

void ILayerNormAvx512(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p) {
  ILayerNormXsimd<xsimd::avx512bw>(src, dst, rows, p);
}

}  // namespace intformer
