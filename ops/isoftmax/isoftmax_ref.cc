// Normative i-Softmax: the scalar definition every variant must match bit for bit.
#include <cstring>

#include "ops/isoftmax/isoftmax.h"

namespace intformer {

const char* ISoftmaxParamsInvalid(const ISoftmaxParams& p) {
  if (!DyadicValid(p.to_work)) return "to_work dyadic malformed";
  if (p.diff_max < 1) return "diff_max < 1";
  if (p.poly_b <= (1 << kISoftmaxFracBits) || p.poly_b > 46340) return "poly_b outside (2^F, 46340]";
  if (p.poly_c < 0 || int64_t{p.poly_b} * p.poly_b + p.poly_c > INT32_MAX) {
    return "poly_b^2 + poly_c overflows int32";
  }
  return nullptr;
}

void ISoftmaxRef(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                 const ISoftmaxParams& p) {
  for (size_t row = 0; row < rows; ++row) {
    const int32_t* s = src + row * cols;
    int8_t* d = dst + row * cols;
    bool any = false;
    int32_t m = INT32_MIN;
    for (size_t j = 0; j < cols; ++j) {
      if (ISoftmaxValid(mask, j)) {
        any = true;
        m = s[j] > m ? s[j] : m;
      }
    }
    if (!any) {  // every key padded: nothing to attend to
      std::memset(d, 0, cols);
      continue;
    }
    uint64_t sum = 0;
    for (size_t j = 0; j < cols; ++j) {
      if (ISoftmaxValid(mask, j)) sum += static_cast<uint64_t>(ISoftmaxExp(s[j], m, p));
    }
    const Dyadic norm = ISoftmaxNorm(sum);  // sum >= e(max) > 0
    for (size_t j = 0; j < cols; ++j) {
      const int32_t e = ISoftmaxValid(mask, j) ? ISoftmaxExp(s[j], m, p) : 0;
      d[j] = static_cast<int8_t>(Clamp(RequantRaw(e, norm), 0, 127));
    }
  }
}

}  // namespace intformer
