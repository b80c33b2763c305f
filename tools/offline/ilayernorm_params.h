// Offline constants of i-LayerNorm (ops/ilayernorm/ilayernorm.h) from the float LayerNorm.
#ifndef INTFORMER_TOOLS_OFFLINE_ILAYERNORM_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_ILAYERNORM_PARAMS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/ilayernorm/ilayernorm.h"

namespace intformer {
namespace offline {

struct ILayerNormConstants {
  std::vector<int32_t> gamma;  // g_c
  std::vector<int32_t> bias;   // bias_c
  int32_t out_shift = 16;      // T
  int64_t eps = 0;             // eps_q

  // Kernel params pointing into this object (valid while it lives).
  ILayerNormParams Params() const;
};

// Builds the integer constants for input scale s_in, output scale s_out, float gamma/beta of
// `channels` entries and the model's eps (1e-12 BERT, 1e-5 RoBERTa):
//   eps_q  = round(C^3 eps / s_in^2), saturated at 2^62 (often 0 for BERT's 1e-12: then a
//            constant row gives Q = 0 and the output is exactly the beta term);
//   T      = the largest value in [16, 45] with every |g_c| <= 2^15 and |bias_c| <= 2^29;
//   g_c    = round(gamma_c sqrt(C) / s_out 2^(T-29)),  bias_c = round(beta_c / s_out 2^(T-15)).
// False (with a reason) on non-positive or non-finite scales, C outside [1, 2^16], non-finite
// gamma/beta, or |gamma| sqrt(C) / s_out or |beta| / s_out above 2^28 (no T >= 16 fits).
bool ILayerNormConstantsFromFloat(double s_in, double s_out, const float* gamma, const float* beta,
                                  size_t channels, double eps, ILayerNormConstants* out,
                                  std::string* why = nullptr);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_ILAYERNORM_PARAMS_H_
