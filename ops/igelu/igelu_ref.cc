// Normative i-GELU: the scalar definition every variant must match bit for bit.
#include "ops/igelu/igelu.h"

namespace intformer {

const char* IGeluParamsInvalid(const IGeluParams& p) {
  if (!DyadicValid(p.to_work)) return "to_work dyadic malformed";
  if (p.clip < 1 || p.clip > kIGeluMaxClip) return "clip outside [1, 32767]";
  if (p.c < int64_t{p.clip} * p.clip) return "c below clip^2 (erf magnitude would go negative)";
  if (p.norm_shift < 0 || p.norm_shift > 30) return "norm_shift outside [0, 30]";
  if (p.c > INT32_MAX - ((1 << p.norm_shift) >> 1)) return "c + rounding term overflows int32";
  if (p.one != ((p.c + ((1 << p.norm_shift) >> 1)) >> p.norm_shift) || p.one < 1) {
    return "one != round(c / 2^norm_shift)";
  }
  if (2 * int64_t{p.one} * p.clip > INT32_MAX) return "2 * one * clip overflows int32";
  if (!DyadicValid(p.out_poly) || !DyadicValid(p.out_lin)) return "output dyadic malformed";
  return nullptr;
}

void IGeluRef(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p) {
  for (size_t i = 0; i < n; ++i) dst[i] = IGeluOne(src[i], p);
}

}  // namespace intformer
