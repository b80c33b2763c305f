// The i-LayerNorm variant table: best first, ref last; it drives dispatch and the tests.
#include "ops/ilayernorm/ilayernorm.h"
#include "ops/ilayernorm/ilayernorm_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const ILayerNormKernel kILayerNormKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, ILayerNormAvx512},
    {"avx2", Isa::kAvx2, ILayerNormAvx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, ILayerNormNeon},
#endif
    {"ref", Isa::kScalar, ILayerNormRef},
};
const size_t kILayerNormKernelCount = sizeof(kILayerNormKernels) / sizeof(kILayerNormKernels[0]);

const ILayerNormKernel& GetILayerNormKernel() {
  static const ILayerNormKernel& k =
      SelectKernel("ilayernorm", kILayerNormKernels, kILayerNormKernelCount);
  return k;
}

}  // namespace intformer
