// AVX-512 building blocks of the normative requant rule (requant.h), for kernels' epilogues.
// Include only from translation units compiled with the avx512 flags.
#ifndef INTFORMER_OPS_REQUANT_REQUANT_AVX512_INL_H_
#define INTFORMER_OPS_REQUANT_REQUANT_AVX512_INL_H_

#include <immintrin.h>

#include <cstdint>

namespace intformer {

// 16 lanes of Clamp(Requant(x, {mult, shift}), lo, hi). mult/shift are per lane (broadcast them
// for a per-tensor scale). The 64-bit products are formed for even and odd lanes separately
// (vpmuldq reads the low dword of each qword), rounded, arithmetically shifted (vpsravq),
// clamped while still 64-bit so that no out-of-range value wraps, then interleaved back.
static inline __m512i RequantClampAvx512(__m512i x, __m512i mult, __m512i shift, __m512i lo64,
                                         __m512i hi64) {
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i sh_even = _mm512_and_si512(shift, _mm512_set1_epi64(0xffffffff));
  const __m512i sh_odd = _mm512_srli_epi64(shift, 32);
  const __m512i rnd_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_even, one));
  const __m512i rnd_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(sh_odd, one));
  __m512i even = _mm512_mul_epi32(x, mult);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32));
  even = _mm512_srav_epi64(_mm512_add_epi64(even, rnd_even), sh_even);
  odd = _mm512_srav_epi64(_mm512_add_epi64(odd, rnd_odd), sh_odd);
  even = _mm512_min_epi64(_mm512_max_epi64(even, lo64), hi64);
  odd = _mm512_min_epi64(_mm512_max_epi64(odd, lo64), hi64);
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// Per-tensor form: one multiplier and shift for all lanes (cheaper: the shift is an immediate
// count and the rounding term a constant).
static inline __m512i RequantClampUniformAvx512(__m512i x, __m512i mult, __m128i shift,
                                                __m512i rnd, __m512i lo64, __m512i hi64) {
  __m512i even = _mm512_mul_epi32(x, mult);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), mult);
  even = _mm512_sra_epi64(_mm512_add_epi64(even, rnd), shift);
  odd = _mm512_sra_epi64(_mm512_add_epi64(odd, rnd), shift);
  even = _mm512_min_epi64(_mm512_max_epi64(even, lo64), hi64);
  odd = _mm512_min_epi64(_mm512_max_epi64(odd, lo64), hi64);
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// Loads 16 consecutive Dyadic {mult, shift} pairs and splits them into a mult and a shift vector.
static inline void LoadDyadic16Avx512(const void* dyadics, __m512i* mult, __m512i* shift) {
  const __m512i lo = _mm512_loadu_si512(dyadics);
  const __m512i hi = _mm512_loadu_si512(static_cast<const int32_t*>(dyadics) + 16);
  const __m512i idx_m = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i idx_s = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  *mult = _mm512_permutex2var_epi32(lo, idx_m, hi);
  *shift = _mm512_permutex2var_epi32(lo, idx_s, hi);
}

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_AVX512_INL_H_
