// i-GELU for NEON: xsimd::neon64 on aarch64, xsimd::neon on armv7 hard-float.
#include "ops/igelu/igelu_variants.h"
#include "ops/igelu/igelu_xsimd.h"

namespace intformer {

void IGeluNeon(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p) {
#if INTFORMER_AARCH64
  IGeluXsimd<xsimd::neon64>(src, dst, n, p);
#else
  IGeluXsimd<xsimd::neon>(src, dst, n, p);
#endif
}

}  // namespace intformer
