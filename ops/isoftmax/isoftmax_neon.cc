// i-Softmax for NEON: xsimd::neon64 on aarch64, xsimd::neon on armv7 hard-float.
#include "ops/isoftmax/isoftmax_variants.h"
#include "ops/isoftmax/isoftmax_xsimd.h"

namespace intformer {

void ISoftmaxNeon(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                  const ISoftmaxParams& p) {
#if INTFORMER_AARCH64
  ISoftmaxXsimd<xsimd::neon64>(src, mask, dst, rows, cols, p);
#else
  ISoftmaxXsimd<xsimd::neon>(src, mask, dst, rows, cols, p);
#endif
}

}  // namespace intformer
