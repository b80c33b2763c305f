// Normative requant: the scalar definition every variant must match bit for bit.
#include "ops/requant/requant.h"

namespace intformer {

void RequantS32ToS8Ref(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p) {
  const int32_t lo = p.lo < -128 ? -128 : p.lo;
  const int32_t hi = p.hi > 127 ? 127 : p.hi;
  for (size_t i = 0; i < n; ++i) {
    const Dyadic d = p.per_channel ? p.scale[i % p.channels] : p.scale[0];
    dst[i] = static_cast<int8_t>(Clamp(RequantRaw(src[i], d), lo, hi));
  }
}

void RequantS32ToS32Ref(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p) {
  for (size_t i = 0; i < n; ++i) {
    const Dyadic d = p.per_channel ? p.scale[i % p.channels] : p.scale[0];
    dst[i] = Clamp(RequantRaw(src[i], d), p.lo, p.hi);
  }
}

}  // namespace intformer
