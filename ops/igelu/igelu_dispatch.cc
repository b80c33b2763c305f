// The i-GELU variant table: best first, ref last. Compiled without ISA flags; the variant
// symbols come from their own translation units (igelu_<isa>.cc).
#include "ops/igelu/igelu.h"
#include "ops/igelu/igelu_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const IGeluKernel kIGeluKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, IGeluAvx512},
    {"avx2", Isa::kAvx2, IGeluAvx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, IGeluNeon},
#endif
    {"ref", Isa::kScalar, IGeluRef},
};
const size_t kIGeluKernelCount = sizeof(kIGeluKernels) / sizeof(kIGeluKernels[0]);

const IGeluKernel& GetIGeluKernel() {
  static const IGeluKernel& k = SelectKernel("igelu", kIGeluKernels, kIGeluKernelCount);
  return k;
}

}  // namespace intformer
