// Declarations of the per-ISA i-Softmax variants (internal; see isoftmax.h for the contract).
#ifndef INTFORMER_OPS_ISOFTMAX_ISOFTMAX_VARIANTS_H_
#define INTFORMER_OPS_ISOFTMAX_ISOFTMAX_VARIANTS_H_

#include "ops/isoftmax/isoftmax.h"

namespace intformer {

void ISoftmaxAvx2(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                  const ISoftmaxParams& p);
void ISoftmaxAvx512(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                    const ISoftmaxParams& p);
void ISoftmaxNeon(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                  const ISoftmaxParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ISOFTMAX_ISOFTMAX_VARIANTS_H_
