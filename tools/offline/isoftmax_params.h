// Offline constants of i-Softmax (ops/isoftmax/isoftmax.h): from the real scale S_in of the
// attention scores (S_q * S_k / sqrt(d)) to the integers the kernel consumes.
#ifndef INTFORMER_TOOLS_OFFLINE_ISOFTMAX_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_ISOFTMAX_PARAMS_H_

#include <string>

#include "ops/isoftmax/isoftmax.h"

namespace intformer {
namespace offline {

// I-BERT's exponential on (-ln2, 0]: e^p ~ a * (p + b)^2 + c, max relative error 0.0031.
constexpr double kISoftmaxA = 0.3585;
constexpr double kISoftmaxB = 1.353;
constexpr double kISoftmaxC = 0.344;

// Fills *p for score scale s_in. Returns false with *why set when s_in is not a positive finite
// number, when it is below ~7.4e-9 (a score difference of 23*ln2 = 16, past which every
// exponential is 0, would not fit int32) or above ~4.5e4 (S_in * 2^14 / ln2 has no dyadic).
bool ISoftmaxParamsFromScale(double s_in, ISoftmaxParams* p, std::string* why);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_ISOFTMAX_PARAMS_H_
