// requant: dyadic fixed-point rescaling, the one rounding rule of intformer.
//
// Every change of scale in the integer pipeline (GEMM epilogues, residual adds, the outputs of
// i-GELU, i-Softmax and i-LayerNorm) multiplies an integer by a real factor r > 0 that is known
// offline. r is stored as a dyadic number (I-BERT, Kim et al. 2021, section 3.2):
//
//     r ~= mult * 2^-shift,   mult in [0, 2^31),   shift in [1, 62]
//
// with mult >= 2^30 (a 31-bit mantissa) whenever r >= 2^-32.
//
// The normative rescaling of an int32 x is
//
//     Requant(x, d) = floor((x * mult + 2^(shift-1)) / 2^shift)
//
// computed exactly in 64-bit: round to nearest, ties toward +infinity ("round half up", the
// rule of TFLite's single-rounding mode). It is the rule of every kernel and every SIMD variant,
// so results are bit-identical everywhere. Range: |x| <= 2^31 and mult < 2^31 give
// |x * mult| < 2^62, plus the rounding term 2^61 < 2^63: the int64 product never overflows.
// The result fits int32 whenever r * |x| < 2^31; callers saturate to their output type.
//
// The float -> Dyadic conversion lives offline (tools/offline/quant_params.h): nothing in this
// directory touches floating point.
#ifndef INTFORMER_OPS_REQUANT_REQUANT_H_
#define INTFORMER_OPS_REQUANT_REQUANT_H_

#include <cstddef>
#include <cstdint>

#include "runtime/cpu.h"

namespace intformer {

struct Dyadic {
  int32_t mult = 0;   // [0, 2^31)
  int32_t shift = 1;  // [1, 62]
};

// The identity scale (r = 1): 2^30 * 2^-30.
constexpr Dyadic kDyadicOne{1 << 30, 30};

// The normative rescale of one value; see the header comment. Result as int64 so that callers
// can saturate to any width.
inline int64_t RequantRaw(int32_t x, Dyadic d) {
  const int64_t prod = static_cast<int64_t>(x) * d.mult;
  return (prod + (int64_t{1} << (d.shift - 1))) >> d.shift;  // arithmetic shift = floor
}

inline int32_t SaturateS32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : static_cast<int32_t>(v);
}

inline int32_t Clamp(int64_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : static_cast<int32_t>(v);
}

// True when d is a well-formed dyadic (mult >= 0, shift in [1, 62]).
inline bool DyadicValid(Dyadic d) { return d.shift >= 1 && d.shift <= 62 && d.mult >= 0; }

// ---- Vector kernels --------------------------------------------------------------------------
//
// dst[i] = Clamp(Requant(src[i], scale[c]), lo, hi) where c = i % channels when per_channel,
// else c = 0. Rows of `channels` values are contiguous (row-major [rows x channels]).
struct RequantParams {
  const Dyadic* scale = nullptr;  // [channels] when per_channel, else [1]
  size_t channels = 1;
  bool per_channel = false;
  int32_t lo = INT32_MIN;
  int32_t hi = INT32_MAX;
};

struct RequantKernel {
  const char* name;
  Isa isa;
  void (*s32_to_s8)(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p);
  void (*s32_to_s32)(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p);
};

// Every compiled variant, best first, ref last (shared by dispatch and tests).
extern const RequantKernel kRequantKernels[];
extern const size_t kRequantKernelCount;

// The variant dispatch picks on this machine.
const RequantKernel& GetRequantKernel();

// Normative reference variant.
void RequantS32ToS8Ref(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS32Ref(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_H_
