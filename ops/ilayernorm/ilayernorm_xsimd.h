// i-LayerNorm on xsimd batches, bit-exact with ilayernorm_ref.cc. Include only from a TU compiled
// for Arch.
//
// Pass 1 (sum, min, max) runs in int32 lanes: each x is split as hi * 2^16 + lo (hi = x >> 16
// signed, lo = x & 0xffff), and per-lane sums of hi and lo are flushed to int64 every 2^14 steps
// (|sum hi| <= 2^29, sum lo < 2^30), so the int64 row sum is exact.
// Pass 2 (sum of u^2) accumulates the int32 u lanes into int64 lane by lane: xsimd 8 has no
// exact 32x32->64 multiply, and exact integer addition is order-independent.
// Pass 3 uses RequantBatch for u -> n and a 15-bit split for the affine step (see Affine below).
// u itself is built in int32 lanes when C * max|x| < 2^30 (then C*x, sum and w all fit int32),
// otherwise lane by lane in int64.
#ifndef INTFORMER_OPS_ILAYERNORM_ILAYERNORM_XSIMD_H_
#define INTFORMER_OPS_ILAYERNORM_ILAYERNORM_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include "ops/ilayernorm/ilayernorm.h"
#include "ops/requant/requant_xsimd.h"

namespace intformer {
namespace ilayernorm_internal {

template <class Arch>
using I32 = xsimd::batch<int32_t, Arch>;

// u for one batch of x (see the header comment for the two paths).
template <class Arch>
inline I32<Arch> UBatch(const int32_t* x, bool narrow, int32_t c, int64_t sum, int32_t k) {
  constexpr size_t kLanes = I32<Arch>::size;
  if (narrow) {
    const I32<Arch> w = I32<Arch>::load_unaligned(x) * I32<Arch>(c) - I32<Arch>(static_cast<int32_t>(sum));
    return w >> k;
  }
  alignas(64) int32_t u[kLanes];
  for (size_t l = 0; l < kLanes; ++l) u[l] = static_cast<int32_t>((int64_t{c} * x[l] - sum) >> k);
  return I32<Arch>::load_aligned(u);
}

// Step 6 in int32 lanes. n = nh * 2^15 + nl with nl in [0, 2^15), so
//   floor((n*g + bias*2^15 + 2^(T-1)) / 2^T)
//     = floor((nh*g + bias + 2^(T-16) + floor(nl*g / 2^15)) / 2^(T-15))
// (the dropped part of nl*g is below one unit of 2^15 and everything else is a multiple of it).
// |nh*g| <= (2^14+1) 2^15, |nl*g| < 2^30, |bias| <= 2^29, 2^(T-16) <= 2^29: the sum is < 2^31.
template <class Arch>
inline I32<Arch> Affine(const I32<Arch>& n, const I32<Arch>& g, const I32<Arch>& bias,
                        const I32<Arch>& rnd, int32_t t) {
  const I32<Arch> nh = n >> 15;
  const I32<Arch> nl = n & I32<Arch>(0x7fff);
  const I32<Arch> v = nh * g + bias + rnd + ((nl * g) >> 15);
  return xsimd::min(xsimd::max(v >> (t - 15), I32<Arch>(-128)), I32<Arch>(127));
}

}  // namespace ilayernorm_internal

template <class Arch>
void ILayerNormXsimd(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p) {
  using namespace ilayernorm_internal;
  using B = I32<Arch>;
  constexpr size_t kLanes = B::size;
  const size_t ch = p.channels;
  const size_t vec_end = ch - ch % kLanes;
  const int32_t c32 = static_cast<int32_t>(ch);  // C <= 2^16
  const int32_t t = p.out_shift;
  const B rnd(int32_t{1} << (t - 16));
  for (size_t row = 0; row < rows; ++row, src += ch, dst += ch) {
    // Pass 1: exact sum, min, max.
    int64_t sum = 0;
    int32_t xmin = src[0], xmax = src[0];
    {
      B hi_acc(0), lo_acc(0), vmin(src[0]), vmax(src[0]);
      size_t steps = 0;
      alignas(64) int32_t h[kLanes], l[kLanes];
      auto flush = [&]() {
        hi_acc.store_aligned(h);
        lo_acc.store_aligned(l);
        for (size_t i = 0; i < kLanes; ++i) sum += int64_t{h[i]} * 65536 + l[i];
        hi_acc = B(0);
        lo_acc = B(0);
        steps = 0;
      };
      for (size_t i = 0; i < vec_end; i += kLanes) {
        const B x = B::load_unaligned(src + i);
        hi_acc += x >> 16;
        lo_acc += x & B(0xffff);
        vmin = xsimd::min(vmin, x);
        vmax = xsimd::max(vmax, x);
        if (++steps == (size_t{1} << 14)) flush();
      }
      flush();
      vmin.store_aligned(h);
      vmax.store_aligned(l);
      for (size_t i = 0; i < kLanes; ++i) {
        xmin = h[i] < xmin ? h[i] : xmin;
        xmax = l[i] > xmax ? l[i] : xmax;
      }
      for (size_t i = vec_end; i < ch; ++i) {
        sum += src[i];
        xmin = src[i] < xmin ? src[i] : xmin;
        xmax = src[i] > xmax ? src[i] : xmax;
      }
    }
    const int32_t k = ILayerNormPreShift(sum, xmin, xmax, ch);
    const int64_t amax = -int64_t{xmin} > xmax ? -int64_t{xmin} : xmax;
    const bool narrow = amax * c32 < (int64_t{1} << 30);

    // Pass 2: sum of u^2, exact in int64.
    uint64_t sum_u2 = 0;
    {
      uint64_t acc[kLanes] = {};
      alignas(64) int32_t u[kLanes];
      for (size_t i = 0; i < vec_end; i += kLanes) {
        UBatch<Arch>(src + i, narrow, c32, sum, k).store_aligned(u);
        for (size_t l = 0; l < kLanes; ++l) acc[l] += static_cast<uint64_t>(int64_t{u[l]} * u[l]);
      }
      for (size_t l = 0; l < kLanes; ++l) sum_u2 += acc[l];
      for (size_t i = vec_end; i < ch; ++i) {
        const int64_t v = (int64_t{c32} * src[i] - sum) >> k;
        sum_u2 += static_cast<uint64_t>(v * v);
      }
    }
    const Dyadic rsq = ILayerNormRsqrt(sum_u2, k, p.eps);

    // Pass 3: n, then the affine step, then int8.
    alignas(64) int32_t y[kLanes];
    for (size_t i = 0; i < vec_end; i += kLanes) {
      const B n = RequantBatch<Arch>(UBatch<Arch>(src + i, narrow, c32, sum, k), rsq, INT32_MIN,
                                     INT32_MAX);
      Affine<Arch>(n, B::load_unaligned(p.gamma + i), B::load_unaligned(p.bias + i), rnd, t)
          .store_aligned(y);
      for (size_t l = 0; l < kLanes; ++l) dst[i + l] = static_cast<int8_t>(y[l]);
    }
    for (size_t i = vec_end; i < ch; ++i) {
      const int32_t u = static_cast<int32_t>((int64_t{c32} * src[i] - sum) >> k);
      dst[i] = ILayerNormAffine(static_cast<int32_t>(RequantRaw(u, rsq)), p.gamma[i], p.bias[i], t);
    }
  }
}

}  // namespace intformer

#endif  // INTFORMER_OPS_ILAYERNORM_ILAYERNORM_XSIMD_H_
