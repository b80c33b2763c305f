// i-GELU: integer-only GELU (I-BERT, Kim et al. 2021, section 3.4), int32 in, int8 out.
//
//   GELU(x) = x/2 * (1 + erf(x/sqrt2)),   erf(u) ~ sign(u) * (1 - |a| * (min(|u|, -b) + b)^2)
//
// with I-BERT's a = -0.2888, b = -1.769. The input q is an int32 at a real scale S_in known
// offline (FFN1's GEMM requantized per channel to one common int32 scale S_g). Every constant
// below comes from tools/offline/igelu_params.h; the kernel itself only sees integers.
//
// The normative computation of one element (int32 except inside Requant; no overflow, see
// docs/numerics.md):
//
//   w  = clamp(Requant(q, to_work), -clip, clip)   x on a working grid S_w = 2.5017 / clip
//   if w == clip:  dst = clamp(Requant(q, out_lin), -128, 127)   x >= 2.5: GELU ~ x exactly,
//                                                  straight from the full-precision input
//   d  = clip - |w|                                 (min(|u|,-b)+b) = -d * S_w/sqrt2
//   P  = c - d*d                                    |erf| = P / c, c = round(1/(|a| (S_w/sqrt2)^2))
//   E  = one + sign(w) * ((P + h) >> norm_shift)    h = 2^norm_shift / 2, one = (c + h) >> norm_shift
//   y  = w * E                                      GELU(x) ~ y * S_w / (2*one) ("pre-output")
//   dst = clamp(Requant(y, out_poly), -128, 127)   out_poly ~ S_w / (2*one*S_out)
//
// For w == -clip, E is 0: the I-BERT GELU is exactly 0 below x = -2.5.
//
// Why a working grid: only |x| < 2.5 needs the polynomial. On a grid of |w| <= clip <= 2^15 the
// square d*d and the product w*E stay inside int32 (plain 32-bit SIMD multiplies), whatever
// S_in is; the offline helper picks clip to balance the grid step against E's resolution
// (about 5e-5 of error at worst, against the polynomial's own 0.018).
//
// Accuracy (tests/ops/igelu): the pre-output against exact erf-GELU on |x| <= 4 (RMS over a
// uniform grid) stays within I-BERT's L2 0.0082 and L-inf 0.0182 (the polynomial itself: RMS
// 0.008188, max 0.018152 at |x| = 2.35); the int8 output adds at most S_out/2 of rounding.
// Every input int32 is accepted.
#ifndef INTFORMER_OPS_IGELU_IGELU_H_
#define INTFORMER_OPS_IGELU_IGELU_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

// Largest clip: keeps d*d <= 2^30 and c < 2^31.
constexpr int32_t kIGeluMaxClip = 32767;

struct IGeluParams {
  Dyadic to_work;          // S_in / S_w
  int32_t clip = 1;        // [1, kIGeluMaxClip]: round(1.769 * sqrt2 / S_w)
  int32_t c = 1;           // [clip^2, 2^31 - h]: round(2 / (0.2888 * S_w^2))
  int32_t norm_shift = 0;  // [0, 30]
  int32_t one = 1;         // (c + h) >> norm_shift, with 2 * one * clip < 2^31
  Dyadic out_poly;         // S_w / (2 * one * S_out)
  Dyadic out_lin;          // S_in / S_out
};

// Checks the integer invariants above (params may come from a model file). Returns nullptr when
// valid, else a short reason. Kernels assume valid params.
const char* IGeluParamsInvalid(const IGeluParams& p);

// The input on the working grid, clamped to [-clip, clip].
inline int32_t IGeluWork(int32_t q, const IGeluParams& p) {
  return Clamp(RequantRaw(q, p.to_work), -p.clip, p.clip);
}

// The pre-output y of a working-grid value w in [-clip, clip] (see the header comment).
inline int32_t IGeluPre(int32_t w, const IGeluParams& p) {
  const int32_t d = p.clip - (w < 0 ? -w : w);
  const int32_t poly = (p.c - d * d + ((1 << p.norm_shift) >> 1)) >> p.norm_shift;
  return w * (w >= 0 ? p.one + poly : p.one - poly);
}

inline int8_t IGeluOne(int32_t q, const IGeluParams& p) {
  const int32_t w = IGeluWork(q, p);
  const int64_t v = w == p.clip ? RequantRaw(q, p.out_lin) : RequantRaw(IGeluPre(w, p), p.out_poly);
  return static_cast<int8_t>(Clamp(v, -128, 127));
}

struct IGeluKernel {
  const char* name;
  Isa isa;
  void (*run)(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p);
};

// Every compiled variant, best first, ref last (shared by dispatch and tests).
extern const IGeluKernel kIGeluKernels[];
extern const size_t kIGeluKernelCount;

// The variant dispatch picks on this machine.
const IGeluKernel& GetIGeluKernel();

// Normative reference: dst[i] = IGeluOne(src[i], p).
void IGeluRef(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_IGELU_IGELU_H_
