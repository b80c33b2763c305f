// i-LayerNorm, NEON instance of the xsimd template (neon64 on aarch64, neon on armv7).
#include "ops/ilayernorm/ilayernorm_variants.h"
#include "ops/ilayernorm/ilayernorm_xsimd.h"

namespace intformer {

#if INTFORMER_AARCH64
using NeonArch = xsimd::neon64;
#else
using NeonArch = xsimd::neon;
#endif

void ILayerNormNeon(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p) {
  ILayerNormXsimd<NeonArch>(src, dst, rows, p);
}

}  // namespace intformer
