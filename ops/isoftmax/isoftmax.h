// i-Softmax: integer-only softmax over rows (I-BERT, Kim et al. 2021, section 3.5).
//
// Input: int32 attention scores [rows x cols] (row-major, contiguous) at a real scale S_in that
// already contains 1/sqrt(d), and a key mask of `cols` bytes shared by every row (0 = padded key:
// its probability is exactly 0; nullptr = no padding). Output: int8 probabilities at the fixed
// scale 2^-7 (values 0..127; a row sums to ~128). If every key is masked, every row is all zeros.
//
// Per row, with m = the max over unmasked scores and constants from
// tools/offline/isoftmax_params.h (F = kISoftmaxFracBits, working scale S_w = ln2 * 2^-F):
//
//   u  = min(m - q, diff_max)                      >= 0; m - q is exact (as int64 / mod 2^32)
//   uw = clamp(Requant(u, to_work), 0, kWorkMax)   -x on the grid S_w: uw = z * 2^F + r
//   z  = uw >> F,  r = uw & (2^F - 1)              x = -z*ln2 + p,  p = -r * S_w in (-ln2, 0]
//   E  = (poly_b - r)^2 + poly_c                   ~ e^p / (0.3585 S_w^2): I-BERT's polynomial
//                                                  0.3585 (p + 1.353)^2 + 0.344
//   e  = E >> (z + kExpShift)  (0 when masked)     2^-z as a right shift; z <= kMaxZ
//   S  = sum of e over the row (uint64)
//   dst = clamp(Requant(e, Norm(S)), 0, 127)       Norm(S) ~ 2^7 / S, one integer division a row
//
// Bit widths (docs/numerics.md): E < 2^31, e < 2^23, S < 2^39 for cols <= kISoftmaxMaxCols,
// Norm's shift <= 62. The division is per row and scalar in every variant (xsimd has no exact
// integer division); everything per element is int32 SIMD plus the shared requant rule.
//
// Accuracy (tests/ops/isoftmax, vs double softmax): per probability
// |dst/128 - p| <= 1/256 + 2.02*0.0031 + 1e-4 (~0.0103): half an output step plus twice the
// polynomial's relative error 0.0031. A probability of ~1 is clipped to 127/128 (error 1/128);
// any probability below 1/256 rounds to 0, so a flat row of more than 256 keys may sum to 0.
#ifndef INTFORMER_OPS_ISOFTMAX_ISOFTMAX_H_
#define INTFORMER_OPS_ISOFTMAX_ISOFTMAX_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

constexpr int kISoftmaxFracBits = 14;  // F: fraction bits of ln2 on the working grid
constexpr int kISoftmaxExpShift = 8;   // keeps e < 2^23 so row sums stay far from overflow
constexpr int kISoftmaxMaxZ = 23;      // z + kExpShift <= 31: E >> 31 == 0 past this point
constexpr int32_t kISoftmaxWorkMax = ((kISoftmaxMaxZ + 1) << kISoftmaxFracBits) - 1;
constexpr size_t kISoftmaxMaxCols = 65536;  // S < 2^39 keeps Norm's shift <= 62

struct ISoftmaxParams {
  Dyadic to_work;        // S_in / S_w = S_in * 2^F / ln2
  int32_t diff_max = 1;  // [1, 2^31): (kMaxZ + 1) * ln2 / S_in, capped at INT32_MAX
  int32_t poly_b = 0;    // round(1.353 / S_w), in (2^F, 46340]
  int32_t poly_c = 0;    // round(0.344 / (0.3585 S_w^2)), poly_b^2 + poly_c < 2^31
};

// nullptr when the integer invariants hold, else a short reason (params may come from a file).
const char* ISoftmaxParamsInvalid(const ISoftmaxParams& p);

// The unnormalised exponential e of one score against the row max (see the header comment).
inline int32_t ISoftmaxExp(int32_t q, int32_t row_max, const ISoftmaxParams& p) {
  const int64_t diff = int64_t{row_max} - q;
  const int32_t u = diff > p.diff_max ? p.diff_max : static_cast<int32_t>(diff);
  const int32_t uw = Clamp(RequantRaw(u, p.to_work), 0, kISoftmaxWorkMax);
  const int32_t z = uw >> kISoftmaxFracBits;
  const int32_t d = p.poly_b - (uw & ((1 << kISoftmaxFracBits) - 1));
  return (d * d + p.poly_c) >> (z + kISoftmaxExpShift);
}

// Norm(S) ~ 2^7 / S for a row sum S in [1, 2^39): a 31-bit mantissa from one integer division.
inline Dyadic ISoftmaxNorm(uint64_t sum) {
  int e = 63 - __builtin_clzll(sum);   // sum in [2^e, 2^(e+1))
  const int t = e > 31 ? e - 31 : 0;   // keep 32 significant bits of the divisor
  const uint64_t s = sum >> t;         // [2^(e-t), 2^(e-t+1)), e - t <= 31
  const int et = e - t;
  // floor((2^(et+31) - 1) / s) is in [2^30, 2^31): mult * 2^-(et+31) ~ 1 / s.
  const uint64_t mult = ((uint64_t{1} << (et + 31)) - 1) / s;
  return Dyadic{static_cast<int32_t>(mult), e + 24};  // 2^7 / (s * 2^t) = mult * 2^-(e+24)
}

inline bool ISoftmaxValid(const uint8_t* mask, size_t j) { return mask == nullptr || mask[j] != 0; }

struct ISoftmaxKernel {
  const char* name;
  Isa isa;
  void (*run)(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
              const ISoftmaxParams& p);
};

// Every compiled variant, best first, ref last (shared by dispatch and tests).
extern const ISoftmaxKernel kISoftmaxKernels[];
extern const size_t kISoftmaxKernelCount;

// The variant dispatch picks on this machine.
const ISoftmaxKernel& GetISoftmaxKernel();

// Checked entry point: validates params and cols (<= kISoftmaxMaxCols), then runs the
// dispatched kernel. Returns nullptr on success, else the reason (dst untouched).
const char* ISoftmax(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows,
                     size_t cols, const ISoftmaxParams& p);

// Normative reference. Kernels assume valid params and cols <= kISoftmaxMaxCols.
void ISoftmaxRef(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                 const ISoftmaxParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ISOFTMAX_ISOFTMAX_H_
