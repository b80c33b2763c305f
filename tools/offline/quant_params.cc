#include "tools/offline/quant_params.h"

#include <cmath>

namespace intformer {
namespace offline {

Dyadic DyadicFromReal(double real, bool* ok) {
  if (ok != nullptr) *ok = true;
  if (!(real > 0.0) || !std::isfinite(real)) {
    if (ok != nullptr) *ok = real == 0.0;
    return Dyadic{0, 1};
  }
  int exp = 0;
  const double frac = std::frexp(real, &exp);  // real = frac * 2^exp, frac in [0.5, 1)
  int64_t mult = static_cast<int64_t>(std::floor(frac * 2147483648.0 + 0.5));  // frac * 2^31
  int shift = 31 - exp;
  if (mult == (int64_t{1} << 31)) {  // rounding carried into the next power of two
    mult >>= 1;
    --shift;
  }
  if (shift < 1) {
    if (ok != nullptr) *ok = false;
    return Dyadic{0, 1};
  }
  while (shift > 62) {  // below 2^-32: give up mantissa bits (down to 0), keep shift <= 62
    mult = (mult + 1) >> 1;
    --shift;
  }
  if (mult == 0) return Dyadic{0, 1};
  return Dyadic{static_cast<int32_t>(mult), shift};
}

double DyadicToReal(Dyadic d) { return std::ldexp(static_cast<double>(d.mult), -d.shift); }

}  // namespace offline
}  // namespace intformer
