// The requant rule (requant.h) for xsimd batches: the one step that xsimd-templated kernels
// (i-GELU, i-Softmax, i-LayerNorm, embedding, add) cannot express portably, because xsimd 8
// has no exact 32x32->64 multiply with a 64-bit arithmetic shift. Each architecture gets its
// exact intrinsic form; any other falls back to the scalar definition lane by lane.
//
// Include only from a translation unit compiled for the architecture it instantiates.
#ifndef INTFORMER_OPS_REQUANT_REQUANT_XSIMD_H_
#define INTFORMER_OPS_REQUANT_REQUANT_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include "ops/requant/requant.h"

#if defined(__AVX512F__)
#include "ops/requant/requant_avx512_inl.h"
#endif
#if defined(__AVX2__)
#include "ops/requant/requant_avx2_inl.h"
#endif
#if XSIMD_WITH_NEON
#include "ops/requant/requant_neon_inl.h"
#endif

namespace intformer {

// Lane-wise Clamp(Requant(x, d), lo, hi) with one Dyadic for all lanes.
template <class Arch>
inline xsimd::batch<int32_t, Arch> RequantBatch(const xsimd::batch<int32_t, Arch>& x, Dyadic d,
                                                int32_t lo, int32_t hi) {
  constexpr size_t kLanes = xsimd::batch<int32_t, Arch>::size;
  alignas(64) int32_t v[kLanes];
  x.store_aligned(v);
  for (size_t i = 0; i < kLanes; ++i) v[i] = Clamp(RequantRaw(v[i], d), lo, hi);
  return xsimd::batch<int32_t, Arch>::load_aligned(v);
}

#if defined(__AVX2__)
template <>
inline xsimd::batch<int32_t, xsimd::avx2> RequantBatch(const xsimd::batch<int32_t, xsimd::avx2>& x,
                                                       Dyadic d, int32_t lo, int32_t hi) {
  return RequantClampAvx2(x, _mm256_set1_epi32(d.mult), _mm256_set1_epi32(d.shift),
                          _mm256_set1_epi64x(lo), _mm256_set1_epi64x(hi));
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
template <>
inline xsimd::batch<int32_t, xsimd::avx512bw> RequantBatch(
    const xsimd::batch<int32_t, xsimd::avx512bw>& x, Dyadic d, int32_t lo, int32_t hi) {
  return RequantClampUniformAvx512(x, _mm512_set1_epi32(d.mult), _mm_cvtsi32_si128(d.shift),
                                   _mm512_set1_epi64(int64_t{1} << (d.shift - 1)),
                                   _mm512_set1_epi64(lo), _mm512_set1_epi64(hi));
}
#endif

#if XSIMD_WITH_NEON
template <>
inline xsimd::batch<int32_t, xsimd::neon> RequantBatch(const xsimd::batch<int32_t, xsimd::neon>& x,
                                                       Dyadic d, int32_t lo, int32_t hi) {
  return xsimd::batch<int32_t, xsimd::neon>(RequantClampNeon(
      x, vdupq_n_s32(d.mult), vdupq_n_s32(-d.shift), vdupq_n_s32(lo), vdupq_n_s32(hi)));
}
#endif

#if XSIMD_WITH_NEON64
template <>
inline xsimd::batch<int32_t, xsimd::neon64> RequantBatch(
    const xsimd::batch<int32_t, xsimd::neon64>& x, Dyadic d, int32_t lo, int32_t hi) {
  return xsimd::batch<int32_t, xsimd::neon64>(RequantClampNeon(
      x, vdupq_n_s32(d.mult), vdupq_n_s32(-d.shift), vdupq_n_s32(lo), vdupq_n_s32(hi)));
}
#endif

// Stores the lanes of x, each already clamped to [-128, 127], as int8: an exact narrowing.
// xsimd 8 has no narrowing store; lane by lane it cost a scalar store per value (a third of
// i-GELU's time on AVX-512).
template <class Arch>
inline void StoreS8(const xsimd::batch<int32_t, Arch>& x, int8_t* dst) {
  constexpr size_t kLanes = xsimd::batch<int32_t, Arch>::size;
  alignas(64) int32_t v[kLanes];
  x.store_aligned(v);
  for (size_t i = 0; i < kLanes; ++i) dst[i] = static_cast<int8_t>(v[i]);
}

#if defined(__AVX2__)
template <>
inline void StoreS8(const xsimd::batch<int32_t, xsimd::avx2>& x, int8_t* dst) {
  const __m256i v = x;
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm_packs_epi16(w, w));
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
template <>
inline void StoreS8(const xsimd::batch<int32_t, xsimd::avx512bw>& x, int8_t* dst) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi32_epi8(x));
}
#endif

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_XSIMD_H_
