// The residual-add variant table: best first, ref last; it drives dispatch and the tests.
#include "ops/add/add.h"
#include "ops/add/add_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const AddKernel kAddKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, AddS32S8Avx512},
    {"avx2", Isa::kAvx2, AddS32S8Avx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, AddS32S8Neon},
#endif
    {"ref", Isa::kScalar, AddS32S8Ref},
};
const size_t kAddKernelCount = sizeof(kAddKernels) / sizeof(kAddKernels[0]);

const AddKernel& GetAddKernel() {
  static const AddKernel& k = SelectKernel("add", kAddKernels, kAddKernelCount);
  return k;
}

}  // namespace intformer
