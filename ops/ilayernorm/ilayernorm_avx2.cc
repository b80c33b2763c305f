// i-LayerNorm, avx2 instance of the xsimd template (ilayernorm_xsimd.h).
#include "ops/ilayernorm/ilayernorm_variants.h"
#include "ops/ilayernorm/ilayernorm_xsimd.h"

namespace intformer {

void ILayerNormAvx2(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p) {
  ILayerNormXsimd<xsimd::avx2>(src, dst, rows, p);
}

}  // namespace intformer
