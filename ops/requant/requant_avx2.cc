// AVX2 requant: 8 int32 lanes per step, bit-exact with requant_ref.cc. Tails (fewer than 8
// values) go through the scalar rule, which is the definition itself.
#include "ops/requant/requant_avx2_inl.h"
#include "ops/requant/requant_variants.h"

namespace intformer {
namespace {

template <class Store, class StoreScalar>
void RequantLoopAvx2(const int32_t* src, size_t n, const RequantParams& p, int32_t lo, int32_t hi,
                     Store store, StoreScalar store_scalar) {
  if (n == 0) return;
  const __m256i lo64 = _mm256_set1_epi64x(lo);
  const __m256i hi64 = _mm256_set1_epi64x(hi);
  const size_t c = p.per_channel ? p.channels : n;
  for (size_t row = 0; row < n; row += c) {
    size_t j = 0;
    for (; j + 8 <= c; j += 8) {
      __m256i mult, shift;
      if (p.per_channel) {
        LoadDyadic8Avx2(p.scale + j, &mult, &shift);
      } else {
        mult = _mm256_set1_epi32(p.scale[0].mult);
        shift = _mm256_set1_epi32(p.scale[0].shift);
      }
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + row + j));
      store(row + j, RequantClampAvx2(x, mult, shift, lo64, hi64));
    }
    for (; j < c; ++j) {
      const Dyadic d = p.per_channel ? p.scale[j] : p.scale[0];
      store_scalar(row + j, Clamp(RequantRaw(src[row + j], d), lo, hi));
    }
  }
}

}  // namespace

void RequantS32ToS8Avx2(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p) {
  const int32_t lo = p.lo < -128 ? -128 : p.lo;
  const int32_t hi = p.hi > 127 ? 127 : p.hi;
  RequantLoopAvx2(
      src, n, p, lo, hi,
      [dst](size_t i, __m256i v) {
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + i), _mm_packs_epi16(w, w));
      },
      [dst](size_t i, int32_t v) { dst[i] = static_cast<int8_t>(v); });
}

void RequantS32ToS32Avx2(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p) {
  RequantLoopAvx2(
      src, n, p, p.lo, p.hi,
      [dst](size_t i, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), v); },
      [dst](size_t i, int32_t v) { dst[i] = v; });
}

}  // namespace intformer
