// Offline constants of i-GELU (ops/igelu/igelu.h): from the real input scale S_in (FFN1's
// common int32 scale) and the int8 output scale S_out to the integers the kernel consumes.
#ifndef INTFORMER_TOOLS_OFFLINE_IGELU_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_IGELU_PARAMS_H_

#include <string>

#include "ops/igelu/igelu.h"

namespace intformer {
namespace offline {

// I-BERT's erf polynomial: erf(u) ~ sign(u) * (a * (min(|u|, -b) + b)^2 + 1).
constexpr double kIGeluA = -0.2888;
constexpr double kIGeluB = -1.769;

// Real scales the kernel's integers stand for (tests and reports).
struct IGeluScales {
  double work = 0;  // S_w = S_in / to_work (the grid the polynomial runs on)
  double pre = 0;   // scale of IGeluPre's result: S_w / (2 * one)
};

// Fills *p for input scale s_in and output scale s_out. clip is chosen once (independent of the
// scales) to minimise the worst rounding error 1.25/clip (grid step) + 0.625/one (E's step)
// under 2 * one * clip < 2^31: clip = 31681, one = 33892, norm_shift = 15.
// Returns false with *why set when a scale is not a positive finite number, or when one of the
// three dyadics (S_in/S_w, S_w/(2*one*S_out), S_in/S_out) falls outside [2^-32, 2^30), i.e. it
// would lose mantissa bits or not fit: roughly S_in in [2e-14, 8e4] and S_out <= 5 with
// S_in/S_out in [2^-32, 2^30).
bool IGeluParamsFromScales(double s_in, double s_out, IGeluParams* p, std::string* why,
                           IGeluScales* scales = nullptr);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_IGELU_PARAMS_H_
