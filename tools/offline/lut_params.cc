#include "tools/offline/lut_params.h"

#include <cmath>

namespace intformer {
namespace offline {

bool BuildLutS8(const std::function<double(double)>& f, double s_in, double s_out,
                int8_t table[256], std::string* why) {
  if (!(s_in > 0) || !(s_out > 0) || !std::isfinite(s_in) || !std::isfinite(s_out)) {
    if (why != nullptr) *why = "scales must be positive and finite";
    return false;
  }
  for (int q = -128; q <= 127; ++q) {
    const double y = f(q * s_in) / s_out;
    if (!std::isfinite(y)) {
      if (why != nullptr) *why = "function value not finite";
      return false;
    }
    const double r = std::floor(y + 0.5);
    table[static_cast<uint8_t>(q)] = static_cast<int8_t>(r < -128 ? -128 : r > 127 ? 127 : r);
  }
  return true;
}

bool BuildTanhLutS8(double s_in, double s_out, int8_t table[256], std::string* why) {
  return BuildLutS8([](double x) { return std::tanh(x); }, s_in, s_out, table, why);
}

}  // namespace offline
}  // namespace intformer
