// i-LayerNorm on xsimd batches, bit-exact with ilayernorm_ref.cc. Include only from a TU compiled
// for Arch.
//
// Pass 1 (sum, min, max) runs in int32 lanes: each x is split as hi * 2^16 + lo (hi = x >> 16
// signed, lo = x & 0xffff), and per-lane sums of hi and lo are flushed to int64 every 2^14 steps
// (|sum hi| <= 2^29, sum lo < 2^30), so the int64 row sum is exact.
// Pass 2 (sum of u^2) accumulates the int32 u lanes into 64-bit sums: vpmuldq on AVX2 /
// AVX-512, lane by lane elsewhere (xsimd 8 has no exact 32x32->64 multiply); exact integer
// addition is order-independent.
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

// Sum of u^2 over batches, exact modulo 2^64 (the row's true sum fits): lane by lane in
// general; with vpmuldq (even and odd lanes, 32x32->64 signed) where the ISA has it. Exact
// integer addition does not depend on the order.
template <class Arch>
struct SquareSum {
  uint64_t acc[I32<Arch>::size] = {};
  void Add(const I32<Arch>& u) {
    alignas(64) int32_t v[I32<Arch>::size];
    u.store_aligned(v);
    for (size_t l = 0; l < I32<Arch>::size; ++l) {
      acc[l] += static_cast<uint64_t>(int64_t{v[l]} * v[l]);
    }
  }
  uint64_t Total() const {
    uint64_t t = 0;
    for (uint64_t a : acc) t += a;
    return t;
  }
};

#if defined(__AVX512F__) && defined(__AVX512BW__)
template <>
struct SquareSum<xsimd::avx512bw> {
  __m512i even = _mm512_setzero_si512(), odd = _mm512_setzero_si512();
  void Add(const I32<xsimd::avx512bw>& u) {
    const __m512i v = u, h = _mm512_srli_epi64(v, 32);
    even = _mm512_add_epi64(even, _mm512_mul_epi32(v, v));
    odd = _mm512_add_epi64(odd, _mm512_mul_epi32(h, h));
  }
  uint64_t Total() const {
    return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_add_epi64(even, odd)));
  }
};
#endif

#if defined(__AVX2__)
template <>
struct SquareSum<xsimd::avx2> {
  __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
  void Add(const I32<xsimd::avx2>& u) {
    const __m256i v = u, h = _mm256_srli_epi64(v, 32);
    even = _mm256_add_epi64(even, _mm256_mul_epi32(v, v));
    odd = _mm256_add_epi64(odd, _mm256_mul_epi32(h, h));
  }
  uint64_t Total() const {
    alignas(32) uint64_t t[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(t), _mm256_add_epi64(even, odd));
    return t[0] + t[1] + t[2] + t[3];
  }
};
#endif

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
      SquareSum<Arch> acc;
      for (size_t i = 0; i < vec_end; i += kLanes) acc.Add(UBatch<Arch>(src + i, narrow, c32, sum, k));
      sum_u2 = acc.Total();
      for (size_t i = vec_end; i < ch; ++i) {
        const int64_t v = (int64_t{c32} * src[i] - sum) >> k;
        sum_u2 += static_cast<uint64_t>(v * v);
      }
    }
    const Dyadic rsq = ILayerNormRsqrt(sum_u2, k, p.eps);

    // Pass 3: n, then the affine step, then int8.
    for (size_t i = 0; i < vec_end; i += kLanes) {
      const B n = RequantBatch<Arch>(UBatch<Arch>(src + i, narrow, c32, sum, k), rsq, INT32_MIN,
                                     INT32_MAX);
      StoreS8<Arch>(
          Affine<Arch>(n, B::load_unaligned(p.gamma + i), B::load_unaligned(p.bias + i), rnd, t),
          dst + i);
    }
    for (size_t i = vec_end; i < ch; ++i) {
      const int32_t u = static_cast<int32_t>((int64_t{c32} * src[i] - sum) >> k);
      dst[i] = ILayerNormAffine(static_cast<int32_t>(RequantRaw(u, rsq)), p.gamma[i], p.bias[i], t);
    }
  }
}

}  // namespace intformer

#endif  // INTFORMER_OPS_ILAYERNORM_ILAYERNORM_XSIMD_H_
