// AVX-512 requant: 16 int32 lanes per step, bit-exact with requant_ref.cc.
#include "ops/requant/requant_avx512_inl.h"
#include "ops/requant/requant_variants.h"

namespace intformer {
namespace {

// Calls store(offset, vector, lane_mask) for every 16-lane chunk of [0, n).
template <class Store>
void RequantLoopAvx512(const int32_t* src, size_t n, const RequantParams& p, int32_t lo, int32_t hi,
                       Store store) {
  const __m512i lo64 = _mm512_set1_epi64(lo);
  const __m512i hi64 = _mm512_set1_epi64(hi);
  if (!p.per_channel) {
    const Dyadic d = p.scale[0];
    const __m512i mult = _mm512_set1_epi32(d.mult);
    const __m128i shift = _mm_cvtsi32_si128(d.shift);
    const __m512i rnd = _mm512_set1_epi64(int64_t{1} << (d.shift - 1));
    for (size_t i = 0; i < n; i += 16) {
      const __mmask16 m = n - i >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - i)) - 1);
      const __m512i x = _mm512_maskz_loadu_epi32(m, src + i);
      store(i, RequantClampUniformAvx512(x, mult, shift, rnd, lo64, hi64), m);
    }
    return;
  }
  // Per channel: walk rows of `channels` values so each chunk's scales are contiguous.
  const size_t c = p.channels;
  for (size_t row = 0; row < n; row += c) {
    for (size_t j = 0; j < c; j += 16) {
      const size_t len = c - j < 16 ? c - j : 16;
      const __mmask16 m = len == 16 ? __mmask16(0xffff) : __mmask16((1u << len) - 1);
      __m512i mult, shift;
      if (len == 16) {
        LoadDyadic16Avx512(p.scale + j, &mult, &shift);
      } else {
        alignas(64) Dyadic tmp[16] = {};
        for (size_t t = 0; t < len; ++t) tmp[t] = p.scale[j + t];
        LoadDyadic16Avx512(tmp, &mult, &shift);
      }
      const __m512i x = _mm512_maskz_loadu_epi32(m, src + row + j);
      store(row + j, RequantClampAvx512(x, mult, shift, lo64, hi64), m);
    }
  }
}

}  // namespace

void RequantS32ToS8Avx512(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p) {
  const int32_t lo = p.lo < -128 ? -128 : p.lo;
  const int32_t hi = p.hi > 127 ? 127 : p.hi;
  RequantLoopAvx512(src, n, p, lo, hi, [dst](size_t i, __m512i v, __mmask16 m) {
    _mm_mask_storeu_epi8(dst + i, m, _mm512_cvtepi32_epi8(v));
  });
}

void RequantS32ToS32Avx512(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p) {
  RequantLoopAvx512(src, n, p, p.lo, p.hi, [dst](size_t i, __m512i v, __mmask16 m) {
    _mm512_mask_storeu_epi32(dst + i, m, v);
  });
}

}  // namespace intformer
