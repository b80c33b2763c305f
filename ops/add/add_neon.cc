// Residual add, NEON instance of the xsimd template (neon64 on aarch64, neon on armv7).
#include "ops/add/add_variants.h"
#include "ops/add/add_xsimd.h"

namespace intformer {

#if INTFORMER_AARCH64
using NeonArch = xsimd::neon64;
#else
using NeonArch = xsimd::neon;
#endif

void AddS32S8Neon(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p) {
  AddS32S8Xsimd<NeonArch>(a, b, dst, n, p);
}

}  // namespace intformer
