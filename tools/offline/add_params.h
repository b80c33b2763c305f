// Offline constants of the residual add (ops/add/add.h) and the embedding sum
// (ops/embedding/embedding.h): one common int32 scale for several inputs.
#ifndef INTFORMER_TOOLS_OFFLINE_ADD_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_ADD_PARAMS_H_

#include <cstddef>
#include <string>

#include "ops/add/add.h"

namespace intformer {
namespace offline {

// The common scale of inputs at scales s[0..n): S_c = min_i s[i], so every input keeps its full
// resolution (no input is divided down), the finest input is carried exactly (r = 1 is the exact
// Dyadic {2^30, 30}) and each other one is rounded to a multiple of S_c (error <= S_c / 2 plus the
// 2^-31 relative error of its dyadic). d[i] ~= s[i] / S_c. Each r = s[i] / S_c must stay <=
// max_ratio (the caller's overflow budget) and < 2^30; false with a reason otherwise or on
// non-positive / non-finite scales.
bool CommonScale(const double* s, size_t n, double max_ratio, double* s_common, Dyadic* d,
                 std::string* why = nullptr);

struct AddConstants {
  AddParams params;
  double s_out = 0;  // S_c, the scale of dst
};

// Residual add of a (int32 at s_a) and b (int8 at s_b): S_c = min(s_a, s_b). r_b <= 2^23 is
// required so |Requant(b)| <= 2^30 (add.h). a saturates only if |a| s_a >= 2^31 S_c, i.e. never
// when s_a <= s_b.
bool AddConstantsFromScales(double s_a, double s_b, AddConstants* out, std::string* why = nullptr);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_ADD_PARAMS_H_
