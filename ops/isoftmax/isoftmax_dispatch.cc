// The i-Softmax variant table: best first, ref last. Compiled without ISA flags; the variant
// symbols come from their own translation units (isoftmax_<isa>.cc).
#include "ops/isoftmax/isoftmax.h"
#include "ops/isoftmax/isoftmax_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const ISoftmaxKernel kISoftmaxKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, ISoftmaxAvx512},
    {"avx2", Isa::kAvx2, ISoftmaxAvx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, ISoftmaxNeon},
#endif
    {"ref", Isa::kScalar, ISoftmaxRef},
};
const size_t kISoftmaxKernelCount = sizeof(kISoftmaxKernels) / sizeof(kISoftmaxKernels[0]);

const ISoftmaxKernel& GetISoftmaxKernel() {
  static const ISoftmaxKernel& k = SelectKernel("isoftmax", kISoftmaxKernels, kISoftmaxKernelCount);
  return k;
}

const char* ISoftmax(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows,
                     size_t cols, const ISoftmaxParams& p) {
  if (const char* bad = ISoftmaxParamsInvalid(p)) return bad;
  if (cols > kISoftmaxMaxCols) return "cols > kISoftmaxMaxCols (65536): row sums could exceed 2^39";
  if ((rows > 0 && cols > 0) && (src == nullptr || dst == nullptr)) return "null src or dst";
  GetISoftmaxKernel().run(src, mask, dst, rows, cols, p);
  return nullptr;
}

}  // namespace intformer
