// i-Softmax for xsimd::avx2 (compiled with the avx2 flags only).
#include "ops/isoftmax/isoftmax_variants.h"
#include "ops/isoftmax/isoftmax_xsimd.h"

namespace intformer {

void ISoftmaxAvx2(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                   const ISoftmaxParams& p) {
  ISoftmaxXsimd<xsimd::avx2>(src, mask, dst, rows, cols, p);
}

}  // namespace intformer
