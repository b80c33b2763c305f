// The requant variant table: best first, ref last. Compiled without ISA flags; the variant
// symbols come from their own translation units (requant_<isa>.cc).
#include "ops/requant/requant.h"
#include "ops/requant/requant_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const RequantKernel kRequantKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, RequantS32ToS8Avx512, RequantS32ToS32Avx512},
    {"avx2", Isa::kAvx2, RequantS32ToS8Avx2, RequantS32ToS32Avx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, RequantS32ToS8Neon, RequantS32ToS32Neon},
#endif
    {"ref", Isa::kScalar, RequantS32ToS8Ref, RequantS32ToS32Ref},
};
const size_t kRequantKernelCount = sizeof(kRequantKernels) / sizeof(kRequantKernels[0]);

const RequantKernel& GetRequantKernel() {
  static const RequantKernel& k = SelectKernel("requant", kRequantKernels, kRequantKernelCount);
  return k;
}

}  // namespace intformer
