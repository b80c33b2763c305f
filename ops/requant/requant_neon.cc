// NEON requant (armv7 hard-float and aarch64): 8 int32 values per step, bit-exact with
// requant_ref.cc (see requant_neon_inl.h for why each instruction is exact). Tails of fewer than
// 8 values go through the scalar rule, which is the definition itself.
#include "ops/requant/requant_neon_inl.h"
#include "ops/requant/requant_variants.h"

namespace intformer {
namespace {

// Calls store(offset, lanes 0..3, lanes 4..7) for every full 8-value chunk of each row and
// store_scalar(offset, value) for the rest. Rows are `channels` long when per_channel, so the
// scales of a chunk are contiguous; a per-tensor scale treats the whole array as one row.
template <class Store, class StoreScalar>
void RequantLoopNeon(const int32_t* src, size_t n, const RequantParams& p, int32_t lo, int32_t hi,
                     Store store, StoreScalar store_scalar) {
  if (n == 0) return;
  const int32x4_t lo_v = vdupq_n_s32(lo);
  const int32x4_t hi_v = vdupq_n_s32(hi);
  const int32x4_t mult_t = vdupq_n_s32(p.scale[0].mult);
  const int32x4_t neg_shift_t = vdupq_n_s32(-p.scale[0].shift);
  const size_t c = p.per_channel ? p.channels : n;
  for (size_t row = 0; row < n; row += c) {
    size_t j = 0;
    for (; j + 8 <= c; j += 8) {
      int32x4_t m0 = mult_t, s0 = neg_shift_t, m1 = mult_t, s1 = neg_shift_t;
      if (p.per_channel) {
        LoadDyadic4Neon(p.scale + j, &m0, &s0);
        LoadDyadic4Neon(p.scale + j + 4, &m1, &s1);
      }
      const int32x4_t x0 = vld1q_s32(src + row + j);
      const int32x4_t x1 = vld1q_s32(src + row + j + 4);
      store(row + j, RequantClampNeon(x0, m0, s0, lo_v, hi_v),
            RequantClampNeon(x1, m1, s1, lo_v, hi_v));
    }
    for (; j < c; ++j) {
      const Dyadic d = p.per_channel ? p.scale[j] : p.scale[0];
      store_scalar(row + j, Clamp(RequantRaw(src[row + j], d), lo, hi));
    }
  }
}

}  // namespace

void RequantS32ToS8Neon(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p) {
  const int32_t lo = p.lo < -128 ? -128 : p.lo;
  const int32_t hi = p.hi > 127 ? 127 : p.hi;
  RequantLoopNeon(
      src, n, p, lo, hi,
      [dst](size_t i, int32x4_t a, int32x4_t b) { vst1_s8(dst + i, NarrowS32ToS8Neon(a, b)); },
      [dst](size_t i, int32_t v) { dst[i] = static_cast<int8_t>(v); });
}

void RequantS32ToS32Neon(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p) {
  RequantLoopNeon(
      src, n, p, p.lo, p.hi,
      [dst](size_t i, int32x4_t a, int32x4_t b) {
        vst1q_s32(dst + i, a);
        vst1q_s32(dst + i + 4, b);
      },
      [dst](size_t i, int32_t v) { dst[i] = v; });
}

}  // namespace intformer
