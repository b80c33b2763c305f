// i-LayerNorm: integer-only LayerNorm over rows of C channels (I-BERT, Kim et al. 2021, s. 3.5),
// with an exact integer square root and no rounded mean.
//
//   in:  int32 x [rows x C] at real scale S_in (the residual stream)
//   out: int8  y [rows x C] at real scale S_out,
//        y ~= round(gamma[c] * (x - mean) / sqrt(var + eps) / S_out + beta[c] / S_out)
//
// Per row, with sum = sum_c x_c (int64, |sum| <= C * 2^31 <= 2^47):
//   1. w_c = C * x_c - sum             the centred value times C: exact, no rounded mean
//                                      (|w_c| <= W = max(C*max - sum, sum - C*min) <= 2^48).
//   2. k   = least k >= 0 with ceil(W / 2^k) <= isqrt(2^62 / C)
//      u_c = w_c >> k                  int32 (|u_c| <= 2^31 / sqrt(C)), so sum_c u_c^2 <= 2^62.
//   3. Q   = sum_c u_c^2 + (eps_q >> 2k)   uint64 < 2^63; eps_q = round(C^3 eps / S_in^2) offline,
//                                      because var + eps = (sum w^2 + C^3 eps) / C^3.
//   4. Q = 0 (all inputs equal, eps_q = 0): R = 0, j = 0, so every y_c = beta term.
//      Otherwise j = max(0, (62 - bitlen(Q)) / 2) puts Q << 2j in [2^60, 2^63), and
//      s = IsqrtU64(Q << 2j) in [2^30, 2^31.5) has >= 30 significant bits;
//      R = floor((2^60 + s/2) / s) in (2^28, 2^30]  (round to nearest reciprocal).
//   5. n_c = Requant(u_c, {R, 31 - j})  ~= 2^29 * (x_c - mean) / sqrt(C * (var + eps))
//      The ratio is < 1 in magnitude, so |n_c| <= 2^29 + 3 (int32).
//   6. y_c = Clamp((n_c * g_c + bias_c * 2^15 + 2^(T-1)) >> T, -128, 127)   (int64)
//      g_c    = round(gamma_c * sqrt(C) / S_out * 2^(T-29)), |g_c| <= 2^15 (gamma, signed)
//      bias_c = round(beta_c / S_out * 2^(T-15)),           |bias_c| <= 2^29 (beta, folded)
//      T in [16, 45] is the largest shift the two bounds allow (offline, per tensor).
//   Rounding is half up everywhere (the requant rule).
//
// Why this shape: the only run-time division is one 64-bit reciprocal per row; the square root
// is exact (floor), taken of a normalised Q so its precision never depends on the input scale;
// step 6 fits int32 lanes after a 15-bit split (see ilayernorm_xsimd.h), so SIMD variants stay
// exact. Error vs double LayerNorm on the same integer input: <= 0.5 + 2^(28-T) + 1e-4 output
// units before clamping (measured in tests/ops/ilayernorm, see docs/numerics.md).
#ifndef INTFORMER_OPS_ILAYERNORM_ILAYERNORM_H_
#define INTFORMER_OPS_ILAYERNORM_ILAYERNORM_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

// Bit length of x (0 for 0): the number of significant bits.
inline int BitLengthU64(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
  return x == 0 ? 0 : 64 - __builtin_clzll(x);
#else
  int n = 0;
  while (x != 0) {
    x >>= 1;
    ++n;
  }
  return n;
#endif
}

// floor(sqrt(x)) exactly, for every uint64 x. Newton's iteration from above: the start
// 2^ceil(bitlen/2) is >= sqrt(x); each step r' = (r + x/r) / 2 (floored) stays >= floor(sqrt(x))
// (AM-GM) and strictly decreases until it reaches it, at which point r' >= r ends the loop.
// r + x/r < 2^33 never overflows. At most ~6 iterations from this start.
inline uint64_t IsqrtU64(uint64_t x) {
  if (x < 2) return x;
  uint64_t r = uint64_t{1} << ((BitLengthU64(x) + 1) / 2);
  for (;;) {
    const uint64_t next = (r + x / r) >> 1;
    if (next >= r) return r;
    r = next;
  }
}

// The row width C is limited so that C * x (2^47), C^3 * eps (2^48 * eps) and the per-row sum
// stay far inside int64.
constexpr size_t kILayerNormMaxChannels = size_t{1} << 16;

struct ILayerNormParams {
  size_t channels = 0;             // C in [1, kILayerNormMaxChannels]
  const int32_t* gamma = nullptr;  // [C] g_c, |g_c| <= 2^15
  const int32_t* bias = nullptr;   // [C] bias_c, |bias_c| <= 2^29
  int32_t out_shift = 16;          // T in [16, 45]
  int64_t eps = 0;                 // eps_q in [0, 2^62]
};

// True when p satisfies every bound above (checked by the model loader; kernels assume it).
bool ILayerNormParamsValid(const ILayerNormParams& p, const char** why = nullptr);

// Per-row constants shared by every variant (steps 2-4): they are scalar work once per row.
// Step 2's k from sum, min, max (defines u_c = (C * x_c - sum) >> k).
int32_t ILayerNormPreShift(int64_t sum, int32_t xmin, int32_t xmax, size_t channels);

// Steps 3-4: the u -> n dyadic from Q_u = sum_c u_c^2 and the row's k.
Dyadic ILayerNormRsqrt(uint64_t sum_u2, int32_t k, int64_t eps);

// Step 6 for one value (int64; the SIMD form is exact against it).
inline int8_t ILayerNormAffine(int32_t n, int32_t g, int32_t bias, int32_t t) {
  const int64_t v = static_cast<int64_t>(n) * g + static_cast<int64_t>(bias) * (1 << 15) +
                    (int64_t{1} << (t - 1));
  return static_cast<int8_t>(Clamp(v >> t, -128, 127));
}

struct ILayerNormKernel {
  const char* name;
  Isa isa;
  void (*run)(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p);
};

extern const ILayerNormKernel kILayerNormKernels[];
extern const size_t kILayerNormKernelCount;
const ILayerNormKernel& GetILayerNormKernel();

// Normative reference.
void ILayerNormRef(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ILAYERNORM_ILAYERNORM_H_
