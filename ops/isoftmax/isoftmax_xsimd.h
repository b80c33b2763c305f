// i-Softmax on xsimd batches: the three passes of isoftmax.h (row max, sum of e, normalise),
// all in int32 lanes plus RequantBatch, the one requant rule. Per row, the only scalar steps are
// the horizontal reductions and the one division of ISoftmaxNorm; tails use the scalar rule.
//
// Include only from a translation unit compiled for the architecture it instantiates.
#ifndef INTFORMER_OPS_ISOFTMAX_ISOFTMAX_XSIMD_H_
#define INTFORMER_OPS_ISOFTMAX_ISOFTMAX_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include <cstring>

#include "ops/isoftmax/isoftmax.h"
#include "ops/requant/requant_xsimd.h"

namespace intformer {
namespace isoftmax_internal {

// Lane-wise x >> s for s in [0, 31]. xsimd 8 has no avx512 form of the per-lane shift and
// would fall back to scalar lanes, so that one gets its intrinsic.
template <class Arch>
inline xsimd::batch<int32_t, Arch> ShiftRight(const xsimd::batch<int32_t, Arch>& x,
                                              const xsimd::batch<int32_t, Arch>& s) {
  return x >> s;
}
#if defined(__AVX512F__) && defined(__AVX512BW__)
template <>
inline xsimd::batch<int32_t, xsimd::avx512bw> ShiftRight(
    const xsimd::batch<int32_t, xsimd::avx512bw>& x, const xsimd::batch<int32_t, xsimd::avx512bw>& s) {
  return _mm512_srav_epi32(x, s);
}
#endif

// Lanes j..j+size-1 of the mask as a batch_bool (all true without a mask).
template <class Arch>
inline xsimd::batch_bool<int32_t, Arch> ValidLanes(const uint8_t* mask, size_t j) {
  using B = xsimd::batch<int32_t, Arch>;
  if (mask == nullptr) return B(0) == B(0);
  alignas(64) int32_t m[B::size];
  for (size_t i = 0; i < B::size; ++i) m[i] = mask[j + i];
  return B::load_aligned(m) != B(0);
}

// ISoftmaxExp on a batch, 0 in masked lanes.
template <class Arch>
inline xsimd::batch<int32_t, Arch> ExpBatch(const xsimd::batch<int32_t, Arch>& q,
                                            const xsimd::batch<int32_t, Arch>& row_max,
                                            const xsimd::batch_bool<int32_t, Arch>& valid,
                                            const ISoftmaxParams& p) {
  using B = xsimd::batch<int32_t, Arch>;
  const B zero(0), dmax(p.diff_max);
  // m - q wraps modulo 2^32 exactly when the true difference exceeds INT32_MAX; it is >= 0
  // in valid lanes, so a negative lane means "huge" and clamps like any u > diff_max.
  const B diff = row_max - q;
  const B u = xsimd::select(diff < zero, dmax, xsimd::min(diff, dmax));
  const B uw = RequantBatch<Arch>(u, p.to_work, 0, kISoftmaxWorkMax);
  const B z = uw >> kISoftmaxFracBits;
  const B d = B(p.poly_b) - (uw & B((1 << kISoftmaxFracBits) - 1));
  const B e = ShiftRight<Arch>(d * d + B(p.poly_c), z + B(kISoftmaxExpShift));
  return xsimd::select(valid, e, zero);
}

}  // namespace isoftmax_internal

template <class Arch>
void ISoftmaxXsimd(const int32_t* src, const uint8_t* mask, int8_t* dst, size_t rows, size_t cols,
                   const ISoftmaxParams& p) {
  using namespace isoftmax_internal;  // NOLINT: internal helpers of this header
  using B = xsimd::batch<int32_t, Arch>;
  constexpr size_t kLanes = B::size;
  constexpr size_t kFlush = 256;  // 256 * max e (< 2^22.6) < 2^31: exact int32 partial sums
  const size_t full = cols / kLanes * kLanes;
  bool any = mask == nullptr && cols > 0;
  for (size_t j = 0; j < cols && !any; ++j) any = mask[j] != 0;
  if (!any) {  // every key padded: every row is all zeros
    std::memset(dst, 0, rows * cols);
    return;
  }
  alignas(64) int32_t lanes[kLanes];
  constexpr size_t kKeep = 1024;  // keys whose e a row keeps between passes 2 and 3 (4 KiB)
  alignas(64) int32_t kept[kKeep];
  for (size_t row = 0; row < rows; ++row) {
    const int32_t* s = src + row * cols;
    int8_t* d = dst + row * cols;
    // Pass 1: the row max over unmasked keys.
    B vmax(INT32_MIN);
    for (size_t j = 0; j < full; j += kLanes) {
      vmax = xsimd::max(vmax, xsimd::select(ValidLanes<Arch>(mask, j), B::load_unaligned(s + j),
                                            B(INT32_MIN)));
    }
    vmax.store_aligned(lanes);
    int32_t m = INT32_MIN;
    for (size_t i = 0; i < kLanes; ++i) m = lanes[i] > m ? lanes[i] : m;
    for (size_t j = full; j < cols; ++j) {
      if (ISoftmaxValid(mask, j) && s[j] > m) m = s[j];
    }
    // Pass 2: the row sum of e, int32 lanes flushed into uint64 before they could overflow.
    // Rows up to kKeep keys keep their e for pass 3 instead of computing the polynomial twice.
    const B bmax(m);
    const bool keep = full <= kKeep;
    uint64_t sum = 0;
    for (size_t j0 = 0; j0 < full; j0 += kFlush * kLanes) {
      const size_t j1 = full - j0 < kFlush * kLanes ? full : j0 + kFlush * kLanes;
      B acc(0);
      for (size_t j = j0; j < j1; j += kLanes) {
        const B e = ExpBatch<Arch>(B::load_unaligned(s + j), bmax, ValidLanes<Arch>(mask, j), p);
        if (keep) e.store_aligned(kept + j);
        acc += e;
      }
      acc.store_aligned(lanes);
      for (size_t i = 0; i < kLanes; ++i) sum += static_cast<uint32_t>(lanes[i]);
    }
    for (size_t j = full; j < cols; ++j) {
      if (ISoftmaxValid(mask, j)) sum += static_cast<uint64_t>(ISoftmaxExp(s[j], m, p));
    }
    // Pass 3: normalise (one scalar division for the row) and store int8.
    const Dyadic norm = ISoftmaxNorm(sum);
    for (size_t j = 0; j < full; j += kLanes) {
      const B e = keep ? B::load_aligned(kept + j)
                       : ExpBatch<Arch>(B::load_unaligned(s + j), bmax, ValidLanes<Arch>(mask, j), p);
      StoreS8<Arch>(RequantBatch<Arch>(e, norm, 0, 127), d + j);
    }
    for (size_t j = full; j < cols; ++j) {
      const int32_t e = ISoftmaxValid(mask, j) ? ISoftmaxExp(s[j], m, p) : 0;
      d[j] = static_cast<int8_t>(Clamp(RequantRaw(e, norm), 0, 127));
    }
  }
}

}  // namespace intformer

#endif  // INTFORMER_OPS_ISOFTMAX_ISOFTMAX_XSIMD_H_
