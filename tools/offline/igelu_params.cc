#include "tools/offline/igelu_params.h"

#include <cmath>

#include "tools/offline/quant_params.h"

namespace intformer {
namespace offline {

namespace {

bool Fail(std::string* why, const std::string& reason) {
  if (why != nullptr) *why = reason;
  return false;
}

// A dyadic for `real` with a full 31-bit mantissa, or false.
bool FullDyadic(double real, Dyadic* d) {
  if (!(real >= std::ldexp(1.0, -32))) return false;
  bool ok = false;
  *d = DyadicFromReal(real, &ok);
  return ok;
}

// c and norm_shift for a clip: c = round(clip^2 / (|a| b^2)) since S_w = -b*sqrt2 / clip.
void PolyConstants(int32_t clip, double s_w, IGeluParams* p) {
  const double s_e = s_w / std::sqrt(2.0);  // erf argument scale
  p->clip = clip;
  p->c = static_cast<int32_t>(std::floor(1.0 / (-kIGeluA * s_e * s_e) + 0.5));
  p->norm_shift = 0;
  for (;;) {
    p->one = (p->c + ((1 << p->norm_shift) >> 1)) >> p->norm_shift;
    if (2 * int64_t{p->one} * clip <= INT32_MAX) break;
    ++p->norm_shift;
  }
}

// The clip minimising 1.25/clip + 0.625/one: half a grid step of x, times GELU's slope (<= 1.13),
// plus half a step of E (rounded) times |x| <= 2.5 over 2*one.
int32_t BestClip() {
  const double knee = -kIGeluB * std::sqrt(2.0);
  int32_t best = kIGeluMaxClip;
  double best_err = 1.0;
  for (int32_t clip = 1024; clip <= kIGeluMaxClip; ++clip) {
    IGeluParams p;
    PolyConstants(clip, knee / clip, &p);
    const double err = 1.25 / clip + 0.625 / p.one;
    if (err < best_err) best_err = err, best = clip;
  }
  return best;
}

}  // namespace

bool IGeluParamsFromScales(double s_in, double s_out, IGeluParams* p, std::string* why,
                           IGeluScales* scales) {
  if (!(s_in > 0.0) || !std::isfinite(s_in) || !(s_out > 0.0) || !std::isfinite(s_out)) {
    return Fail(why, "i-GELU: scales must be positive and finite");
  }
  static const int32_t kClip = BestClip();
  const double knee = -kIGeluB * std::sqrt(2.0);  // erf saturates at |x| = 2.5017
  IGeluParams q;
  if (!FullDyadic(s_in * kClip / knee, &q.to_work)) {
    return Fail(why, "i-GELU: S_in outside [2e-14, 8e4]: S_in/S_w has no 31-bit dyadic");
  }
  const double s_w = s_in / DyadicToReal(q.to_work);  // the grid the kernel really uses
  PolyConstants(kClip, s_w, &q);
  if (!FullDyadic(s_w / (2.0 * q.one * s_out), &q.out_poly)) {
    return Fail(why, "i-GELU: S_out too large (> ~5): S_w/(2*one*S_out) below 2^-32");
  }
  if (!FullDyadic(s_in / s_out, &q.out_lin)) {
    return Fail(why, "i-GELU: S_in/S_out outside [2^-32, 2^30)");
  }
  if (const char* bad = IGeluParamsInvalid(q)) return Fail(why, std::string("i-GELU: ") + bad);
  *p = q;
  if (scales != nullptr) {
    scales->work = s_w;
    scales->pre = s_w / (2.0 * q.one);
  }
  return true;
}

}  // namespace offline
}  // namespace intformer
