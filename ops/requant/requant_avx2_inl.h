// AVX2 building blocks of the normative requant rule (requant.h), for kernels' epilogues.
// Include only from translation units compiled with the avx2 flags.
//
// AVX2 lacks a 64-bit arithmetic shift and 64-bit min/max, so both are composed: floor division
// of a negative v by 2^s is ~(~v >>> s) (logical shift on the complement), and the clamp uses
// vpcmpgtq + blend. The result is the same integer as the scalar rule, lane for lane.
#ifndef INTFORMER_OPS_REQUANT_REQUANT_AVX2_INL_H_
#define INTFORMER_OPS_REQUANT_REQUANT_AVX2_INL_H_

#include <immintrin.h>

#include <cstdint>

namespace intformer {

static inline __m256i SraEpi64Avx2(__m256i v, __m256i shift) {
  const __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
  return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, sign), shift), sign);
}

static inline __m256i ClampEpi64Avx2(__m256i v, __m256i lo, __m256i hi) {
  v = _mm256_blendv_epi8(v, lo, _mm256_cmpgt_epi64(lo, v));
  return _mm256_blendv_epi8(v, hi, _mm256_cmpgt_epi64(v, hi));
}

// 8 lanes of Clamp(Requant(x, {mult, shift}), lo, hi), mult/shift per lane.
static inline __m256i RequantClampAvx2(__m256i x, __m256i mult, __m256i shift, __m256i lo64,
                                       __m256i hi64) {
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i sh_even = _mm256_and_si256(shift, _mm256_set1_epi64x(0xffffffff));
  const __m256i sh_odd = _mm256_srli_epi64(shift, 32);
  __m256i even = _mm256_mul_epi32(x, mult);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32));
  even = _mm256_add_epi64(even, _mm256_sllv_epi64(one, _mm256_sub_epi64(sh_even, one)));
  odd = _mm256_add_epi64(odd, _mm256_sllv_epi64(one, _mm256_sub_epi64(sh_odd, one)));
  even = ClampEpi64Avx2(SraEpi64Avx2(even, sh_even), lo64, hi64);
  odd = ClampEpi64Avx2(SraEpi64Avx2(odd, sh_odd), lo64, hi64);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Loads 8 consecutive Dyadic {mult, shift} pairs as a mult and a shift vector.
static inline void LoadDyadic8Avx2(const void* dyadics, __m256i* mult, __m256i* shift) {
  const __m256i a = _mm256_loadu_si256(static_cast<const __m256i*>(dyadics));
  const __m256i b = _mm256_loadu_si256(static_cast<const __m256i*>(dyadics) + 1);
  const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i pa = _mm256_permutevar8x32_epi32(a, idx);  // m0 m1 m2 m3 s0 s1 s2 s3
  const __m256i pb = _mm256_permutevar8x32_epi32(b, idx);  // m4..m7 s4..s7
  *mult = _mm256_permute2x128_si256(pa, pb, 0x20);
  *shift = _mm256_permute2x128_si256(pa, pb, 0x31);
}

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_AVX2_INL_H_
