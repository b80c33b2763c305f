#include "tools/offline/ilayernorm_params.h"

#include <cmath>

namespace intformer {
namespace offline {

ILayerNormParams ILayerNormConstants::Params() const {
  ILayerNormParams p;
  p.channels = gamma.size();
  p.gamma = gamma.data();
  p.bias = bias.data();
  p.out_shift = out_shift;
  p.eps = eps;
  return p;
}

namespace {
bool Fail(std::string* why, const char* reason) {
  if (why != nullptr) *why = reason;
  return false;
}
}  // namespace

bool ILayerNormConstantsFromFloat(double s_in, double s_out, const float* gamma, const float* beta,
                                  size_t channels, double eps, ILayerNormConstants* out,
                                  std::string* why) {
  if (!(s_in > 0) || !(s_out > 0) || !std::isfinite(s_in) || !std::isfinite(s_out)) {
    return Fail(why, "scales must be positive and finite");
  }
  if (channels < 1 || channels > kILayerNormMaxChannels) return Fail(why, "channels outside [1, 2^16]");
  if (!(eps >= 0) || !std::isfinite(eps)) return Fail(why, "eps must be finite and >= 0");
  const double c = static_cast<double>(channels);
  double gmax = 0, bmax = 0;
  for (size_t i = 0; i < channels; ++i) {
    if (!std::isfinite(gamma[i]) || !std::isfinite(beta[i])) return Fail(why, "non-finite gamma/beta");
    gmax = std::fmax(gmax, std::fabs(gamma[i]) * std::sqrt(c) / s_out);
    bmax = std::fmax(bmax, std::fabs(beta[i]) / s_out);
  }
  int t = 45;
  for (; t >= 16; --t) {
    if (std::floor(gmax * std::ldexp(1.0, t - 29) + 0.5) <= 32768.0 &&
        std::floor(bmax * std::ldexp(1.0, t - 15) + 0.5) <= 536870912.0) {
      break;
    }
  }
  if (t < 16) return Fail(why, "gamma*sqrt(C)/s_out or beta/s_out above 2^28: no shift fits");
  out->out_shift = t;
  out->gamma.resize(channels);
  out->bias.resize(channels);
  for (size_t i = 0; i < channels; ++i) {
    // Half-up, as the requant rule: floor(v + 1/2).
    out->gamma[i] = static_cast<int32_t>(std::floor(gamma[i] * std::sqrt(c) / s_out * std::ldexp(1.0, t - 29) + 0.5));
    out->bias[i] = static_cast<int32_t>(std::floor(beta[i] / s_out * std::ldexp(1.0, t - 15) + 0.5));
  }
  const double e = std::floor(c * c * c * eps / (s_in * s_in) + 0.5);
  out->eps = e >= std::ldexp(1.0, 62) ? (int64_t{1} << 62) : static_cast<int64_t>(e);
  return true;
}

}  // namespace offline
}  // namespace intformer
