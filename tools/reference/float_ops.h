// The float building blocks of the FP32 reference. Plain loops shaped so the compiler vectorises
// them at -O2/-O3 without reassociating float sums (axpy form: each output keeps one running sum,
// so results do not depend on the vector width).
#ifndef INTFORMER_TOOLS_REFERENCE_FLOAT_OPS_H_
#define INTFORMER_TOOLS_REFERENCE_FLOAT_OPS_H_

#include <vector>

#include "tools/reference/reference_model.h"

namespace intformer {
namespace reference {

// dst[t, :] = src[t, :] . W^T + b for t < rows; src is [rows, lin.in], dst [rows, lin.out].
void LinearForward(const Linear& lin, const float* src, int rows, float* dst);
// Row-wise LayerNorm over `cols` (biased variance, as torch), statistics in double.
void LayerNormForward(const LayerNormW& ln, double eps, const float* src, int rows, int cols,
                      float* dst);
// 0.5 x (1 + erf(x / sqrt(2))), in place.
void GeluErf(float* x, size_t n);
// Row-wise softmax of `row` (n entries) in place, max-subtracted.
void SoftmaxRow(float* row, int n);

}  // namespace reference
}  // namespace intformer

#endif  // INTFORMER_TOOLS_REFERENCE_FLOAT_OPS_H_
