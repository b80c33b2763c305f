// C API: int32 logits -> IEEE-754 binary32 reals, at the boundary of the integer core.
//
// The real value of a logit is logit * mult * 2^-shift (the model's logit Dyadic). Rather than
// multiply in floating point (two roundings, and a soft-float library call on boards without
// an FPU), the float is assembled from its bits: the exact int64 product is rounded once to 24
// significant bits, round-to-nearest-even, and the exponent is set directly. With the Dyadic
// invariants (mult in [0, 2^31), shift in [1, 62]) and |logit| <= 2^31, the product has at
// most 62 bits, so the unbiased exponent n - 1 - shift lies in [-62, 61]: always a normal
// float, never a subnormal, infinity or NaN. No floating-point arithmetic happens here.
#include <cstdint>
#include <cstring>

#include "runtime/c_api/c_api_internal.h"

namespace intformer {
namespace c_api {

uint32_t DyadicToFloatBits(int32_t logit, int32_t mult, int32_t shift) {
  const int64_t prod = static_cast<int64_t>(logit) * mult;
  if (prod == 0) return 0;
  const uint32_t sign = prod < 0 ? 0x80000000u : 0u;
  uint64_t m = prod < 0 ? static_cast<uint64_t>(-prod) : static_cast<uint64_t>(prod);
  int n = 64 - __builtin_clzll(m);  // significant bits, 1..62
  if (n > 24) {
    const int drop = n - 24;
    const uint64_t rem = m & ((uint64_t{1} << drop) - 1);
    const uint64_t half = uint64_t{1} << (drop - 1);
    m >>= drop;
    if (rem > half || (rem == half && (m & 1) != 0)) ++m;
    if (m == (uint64_t{1} << 24)) {  // rounding carried into a new bit
      m >>= 1;
      ++n;
    }
  } else {
    m <<= 24 - n;
  }
  const uint32_t exponent = static_cast<uint32_t>(n - 1 - shift + 127);
  return sign | (exponent << 23) | (static_cast<uint32_t>(m) & 0x7FFFFFu);
}

}  // namespace c_api
}  // namespace intformer

extern "C" {

intformer_status intformer_logits_to_float(const intformer_model* model, const int32_t* logits,
                                           size_t count, float* reals_out) {
  return intformer::c_api::Guard([&]() -> intformer::Status {
    if (model == nullptr || (count > 0 && (logits == nullptr || reals_out == nullptr))) {
      return intformer::Status(INTFORMER_ERROR_INVALID_ARGUMENT,
                               "model, logits and reals_out must not be NULL");
    }
    const int32_t mult = model->state->info.logit_multiplier, shift = model->state->info.logit_shift;
    if (mult < 0 || shift < 1 || shift > 62) {
      return intformer::StatusF(INTFORMER_ERROR_INTERNAL, "logit scale %d * 2^-%d out of range",
                                mult, shift);
    }
    for (size_t i = 0; i < count; ++i) {
      const uint32_t bits = intformer::c_api::DyadicToFloatBits(logits[i], mult, shift);
      static_assert(sizeof(bits) == sizeof(float), "binary32 float");
      std::memcpy(&reals_out[i], &bits, sizeof(bits));
    }
    return intformer::Status::Ok();
  });
}

}  // extern "C"
