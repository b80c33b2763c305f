#include "tools/offline/isoftmax_params.h"

#include <cmath>

#include "tools/offline/quant_params.h"

namespace intformer {
namespace offline {

bool ISoftmaxParamsFromScale(double s_in, ISoftmaxParams* p, std::string* why) {
  auto fail = [why](const char* reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (!(s_in > 0.0) || !std::isfinite(s_in)) return fail("i-Softmax: S_in must be positive, finite");
  const double ln2 = std::log(2.0);
  const double s_w = std::ldexp(ln2, -kISoftmaxFracBits);
  ISoftmaxParams q;
  // Every e with z >= kMaxZ is 0 (E < 2^31 shifted by >= 31); differences up to
  // (kMaxZ + 1) * ln2 must be representable so the clamp never cuts a non-zero e.
  const double reach = (kISoftmaxMaxZ + 1) * ln2 / s_in;
  if (reach > 2147483647.0) {
    if (kISoftmaxMaxZ * ln2 / s_in > 2147483647.0) {
      return fail("i-Softmax: S_in too small (< ~7.4e-9): a difference of 16 overflows int32");
    }
    q.diff_max = INT32_MAX;
  } else {
    q.diff_max = static_cast<int32_t>(std::ceil(reach));
  }
  const double to_work = s_in / s_w;
  bool ok = to_work >= std::ldexp(1.0, -32);
  if (ok) q.to_work = DyadicFromReal(to_work, &ok);
  if (!ok) return fail("i-Softmax: S_in outside the dyadic range (S_in * 2^14 / ln2 >= 2^30)");
  q.poly_b = static_cast<int32_t>(std::floor(kISoftmaxB / s_w + 0.5));
  q.poly_c = static_cast<int32_t>(std::floor(kISoftmaxC / (kISoftmaxA * s_w * s_w) + 0.5));
  if (const char* bad = ISoftmaxParamsInvalid(q)) return fail(bad);
  *p = q;
  return true;
}

}  // namespace offline
}  // namespace intformer
