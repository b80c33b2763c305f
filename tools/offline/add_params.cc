#include "tools/offline/add_params.h"

#include <cmath>

#include "tools/offline/quant_params.h"

namespace intformer {
namespace offline {

bool CommonScale(const double* s, size_t n, double max_ratio, double* s_common, Dyadic* d,
                 std::string* why) {
  double lo = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!(s[i] > 0) || !std::isfinite(s[i])) {
      if (why != nullptr) *why = "scales must be positive and finite";
      return false;
    }
    lo = i == 0 || s[i] < lo ? s[i] : lo;
  }
  for (size_t i = 0; i < n; ++i) {
    const double r = s[i] / lo;
    bool ok = false;
    d[i] = r == 1.0 ? kDyadicOne : DyadicFromReal(r, &ok);
    if ((r != 1.0 && !ok) || r > max_ratio) {
      if (why != nullptr) *why = "scale ratio too large for the int32 common scale";
      return false;
    }
  }
  *s_common = lo;
  return true;
}

bool AddConstantsFromScales(double s_a, double s_b, AddConstants* out, std::string* why) {
  const double s[2] = {s_a, s_b};
  Dyadic d[2];
  if (!CommonScale(s, 2, std::ldexp(1.0, 29), &out->s_out, d, why)) return false;
  if (s_b / out->s_out > std::ldexp(1.0, 23)) {
    if (why != nullptr) *why = "s_b / s_a > 2^23: the int8 term would not fit int32 lanes";
    return false;
  }
  out->params.a_scale = d[0];
  out->params.b_scale = d[1];
  return true;
}

}  // namespace offline
}  // namespace intformer
