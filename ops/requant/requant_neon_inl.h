// NEON building blocks of the normative requant rule (requant.h), for kernels' epilogues and
// for RequantBatch on xsimd's neon/neon64 architectures. Include only from translation units
// compiled with the neon flags (armv7 hard-float with -mfpu=neon, or any aarch64).
//
// The rule maps onto NEON almost literally, on armv7 and aarch64 alike:
//   vmull_s32   the exact 32x32 -> 64-bit product x * mult (|x * mult| < 2^62);
//   vrshlq_s64  with a negative count: (v + 2^(shift-1)) >> shift, an arithmetic (floor) shift
//               whose rounding addend is applied in extended precision, i.e. exactly
//               floor((x * mult + 2^(shift-1)) / 2^shift), round half up;
//   vqmovn_s64  saturation to int32, which commutes with the later int32 clamp because lo and hi
//               are themselves int32: Clamp(v, lo, hi) == Clamp(Sat32(v), lo, hi).
// So every lane equals RequantRaw() + Clamp() of the scalar definition.
#ifndef INTFORMER_OPS_REQUANT_REQUANT_NEON_INL_H_
#define INTFORMER_OPS_REQUANT_REQUANT_NEON_INL_H_

#include <arm_neon.h>

#include <cstdint>

namespace intformer {

// 4 lanes of Clamp(Requant(x, {mult, shift}), lo, hi); neg_shift holds -shift per lane.
static inline int32x4_t RequantClampNeon(int32x4_t x, int32x4_t mult, int32x4_t neg_shift,
                                         int32x4_t lo, int32x4_t hi) {
  int64x2_t p0 = vmull_s32(vget_low_s32(x), vget_low_s32(mult));
  int64x2_t p1 = vmull_s32(vget_high_s32(x), vget_high_s32(mult));
  p0 = vrshlq_s64(p0, vmovl_s32(vget_low_s32(neg_shift)));
  p1 = vrshlq_s64(p1, vmovl_s32(vget_high_s32(neg_shift)));
  const int32x4_t r = vcombine_s32(vqmovn_s64(p0), vqmovn_s64(p1));
  return vminq_s32(vmaxq_s32(r, lo), hi);
}

// Loads 4 consecutive Dyadic {mult, shift} pairs as a mult and a negated-shift vector.
static inline void LoadDyadic4Neon(const void* dyadics, int32x4_t* mult, int32x4_t* neg_shift) {
  const int32x4x2_t v = vld2q_s32(static_cast<const int32_t*>(dyadics));
  *mult = v.val[0];
  *neg_shift = vnegq_s32(v.val[1]);
}

// Narrows 8 int32 lanes already clamped to [-128, 127] to int8.
static inline int8x8_t NarrowS32ToS8Neon(int32x4_t a, int32x4_t b) {
  return vmovn_s16(vcombine_s16(vmovn_s32(a), vmovn_s32(b)));
}

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_NEON_INL_H_
