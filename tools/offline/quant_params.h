// Offline (float) side of the integer kernels: turns real scales into the integer constants the
// inference kernels consume. This is the only place where the kernels' numbers are born in
// floating point; the runtime never links it (ground rule 1). The converter and the tests use it.
#ifndef INTFORMER_TOOLS_OFFLINE_QUANT_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_QUANT_PARAMS_H_

#include "ops/requant/requant.h"

namespace intformer {
namespace offline {

// The Dyadic nearest to `real`: a 31-bit mantissa (mult in [2^30, 2^31)) rounded half-up, as
// I-BERT's batch_frexp. Reals below 2^-32 keep shift = 62 and lose mantissa bits (down to an
// exact {0, 1}); real = 0 gives {0, 1}. A negative, non-finite or too large real (>= 2^30, no
// shift >= 1 fits) gives {0, 1} and *ok = false when `ok` is given.
Dyadic DyadicFromReal(double real, bool* ok = nullptr);

// The real number a Dyadic stands for (mult * 2^-shift).
double DyadicToReal(Dyadic d);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_QUANT_PARAMS_H_
