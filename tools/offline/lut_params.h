// Offline construction of the int8 -> int8 tables of ops/lut/lut.h.
#ifndef INTFORMER_TOOLS_OFFLINE_LUT_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_LUT_PARAMS_H_

#include <cstdint>
#include <functional>
#include <string>

namespace intformer {
namespace offline {

// table[uint8(q)] = Clamp(floor(f(q * s_in) / s_out + 1/2), -128, 127) for q in [-128, 127]:
// f evaluated in double, rounded half up (the requant rule's tie). False with a reason on a
// non-positive or non-finite scale or a non-finite f value.
bool BuildLutS8(const std::function<double(double)>& f, double s_in, double s_out,
                int8_t table[256], std::string* why = nullptr);

// The pooler's tanh. tanh lies in (-1, 1), so s_out = 1/127 uses the whole int8 range.
bool BuildTanhLutS8(double s_in, double s_out, int8_t table[256], std::string* why = nullptr);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_LUT_PARAMS_H_
