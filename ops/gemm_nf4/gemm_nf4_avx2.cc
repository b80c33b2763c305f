// avx2 gemm_nf4: 3 rows x 8 channels of vpmaddubsw (sign trick) over W8 decoded per panel,
// bit-exact with ref.
//
// Per call and codes panel (16 channels): the doubled block ratios 2r(n, b) are computed once
// (Nf4Ratio, scalar), and the codes are decoded to W8 (gemm_nf4.h) into a thread-local buffer:
// vpshufb through the 16 levels, widened to words (vpunpcklbw / vpunpckhbw against the sign
// bytes), vpmulhrsw by 2r (= the contract's (level * r + 2^13) >> 14), and narrowed by
// vpacksswb, exact as |W8| <= 127. Every row block of 3 then streams past the decoded panel, so
// the decode is paid once per panel, not once per row block.
//
// AVX2 has no vpdpbusd, and vpmaddubsw (u8 x s8, pairs summed into int16 with saturation) would
// saturate on (a + 128) * W8. The sign trick keeps it exact: |a| (vpabsb; |-128| = 128 as u8)
// times sign(a) * W8 (vpsignb; |W8| <= 127, so the negation cannot overflow) gives a * W8, and
// a pair sums to at most 2 * 128 * 127 = 32512 < 2^15: no saturation. vpmaddwd with ones then
// adds the pairs into int32 lanes of 4 k each, the same grouping as vpdpbusd. The accumulators
// start at bias and run over all of K: every partial sum is below 2^31 (gemm_nf4.h), so they
// end at ref's int32. The epilogue (requant) is the scalar one.
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4_variants.h"

namespace intformer {
namespace {

inline int32_t Load4(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct alignas(32) Line {
  uint8_t bytes[32];
};

#define NF4_ROW(r)                                                                          \
  if constexpr (R > r) {                                                                    \
    const __m256i av = _mm256_set1_epi32(Load4(a##r + off));                                \
    const __m256i pr = _mm256_maddubs_epi16(_mm256_abs_epi8(av), _mm256_sign_epi8(wv, av)); \
    p##r = _mm256_add_epi32(p##r, _mm256_madd_epi16(pr, ones));                             \
  }

// R rows x the 8 channels of half h of a decoded panel (w = its first group, 64 bytes per group
// of 4 k; start = the 8 accumulator starts; n0 = first channel, valid <= 8).
template <int R>
void Tile(const int8_t* a, size_t lda, size_t k, const int8_t* w, const int32_t* start,
          const GemmEpilogue& ep, size_t n0, size_t valid, char* c, size_t ldc_bytes) {
  const int8_t* a0 = a;
  const int8_t* a1 = R > 1 ? a + lda : a;
  const int8_t* a2 = R > 2 ? a + 2 * lda : a;
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i st = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(start));
  __m256i p0 = st, p1 = st, p2 = st;
  for (size_t off = 0; off < k; off += 4, w += 64) {
    const __m256i wv = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    NF4_ROW(0) NF4_ROW(1) NF4_ROW(2)
  }
  const __m256i pv[3] = {p0, p1, p2};
  for (int r = 0; r < R; ++r) {
    alignas(32) int32_t acc[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(acc), pv[r]);
    GemmEpilogueScalar(ep, acc, valid, n0, c + r * ldc_bytes);
  }
}
#undef NF4_ROW

using TileFn = void (*)(const int8_t*, size_t, size_t, const int8_t*, const int32_t*,
                        const GemmEpilogue&, size_t, size_t, char*, size_t);
constexpr TileFn kTiles[3] = {Tile<1>, Tile<2>, Tile<3>};

// Decodes panel p to W8 into `w`: per group of 4 k, 64 bytes (channel c's 4 values at 4c), the
// two 8-channel halves being the two 32-byte halves (as the codes of one nibble).
void DecodePanel(const Nf4Matrix& m, size_t p, const int16_t* ratios, int8_t* w) {
  const uint8_t* src = m.codes + p * kNf4Panel * m.k / 2;
  const __m256i table =
      _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kNf4Levels)));
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  // Within a 128-bit lane of a half (4 channels x 4 bytes), the low unpack's words are channels
  // 4l, 4l + 1 (4 words each) and the high unpack's 4l + 2, 4l + 3: these vpshufb indices
  // spread the half's 8 word ratios (in both lanes) to those patterns.
  const __m256i spread_lo =
      _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3,  //
                       8, 9, 8, 9, 8, 9, 8, 9, 10, 11, 10, 11, 10, 11, 10, 11);
  const __m256i spread_hi = _mm256_add_epi8(spread_lo, _mm256_set1_epi8(4));
  for (size_t b = 0; b < m.k / kNf4Block; ++b) {
    __m256i r_lo[2], r_hi[2];
    for (size_t h = 0; h < 2; ++h) {
      const __m256i rv = _mm256_broadcastsi128_si256(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(ratios + b * kNf4Panel + 8 * h)));
      r_lo[h] = _mm256_shuffle_epi8(rv, spread_lo);
      r_hi[h] = _mm256_shuffle_epi8(rv, spread_hi);
    }
    for (size_t j = 0; j < kNf4Block / 8; ++j, src += 64, w += 128) {
      for (size_t h = 0; h < 2; ++h) {
        // Levels, widened with their sign bytes, times 2r, narrowed: vpacksswb's in-lane order
        // (8 words of its first operand, then 8 of its second) undoes the in-lane unpacks.
        auto decode = [&](__m256i nib) {
          const __m256i lv = _mm256_shuffle_epi8(table, nib);
          const __m256i sign = _mm256_cmpgt_epi8(zero, lv);
          const __m256i lo = _mm256_mulhrs_epi16(_mm256_unpacklo_epi8(lv, sign), r_lo[h]);
          const __m256i hi = _mm256_mulhrs_epi16(_mm256_unpackhi_epi8(lv, sign), r_hi[h]);
          return _mm256_packs_epi16(lo, hi);
        };
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32 * h));
        _mm256_store_si256(reinterpret_cast<__m256i*>(w + 32 * h),
                           decode(_mm256_and_si256(x, low4)));
        _mm256_store_si256(reinterpret_cast<__m256i*>(w + 64 + 32 * h),
                           decode(_mm256_and_si256(_mm256_srli_epi16(x, 4), low4)));
      }
    }
  }
}

}  // namespace

void Nf4GemmAvx2(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k;
  thread_local std::vector<Line> wbuf;
  thread_local std::vector<int16_t> ratios;
  if (wbuf.size() < k * kNf4Panel / 32) wbuf.resize(k * kNf4Panel / 32);
  if (ratios.size() < k / kNf4Block * kNf4Panel) ratios.resize(k / kNf4Block * kNf4Panel);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  int8_t* w = reinterpret_cast<int8_t*>(wbuf.data());
  for (size_t p = args.n_begin / kNf4Panel; p * kNf4Panel < args.n_end; ++p) {
    Nf4PanelRatios(m, p, ratios.data());
    DecodePanel(m, p, ratios.data(), w);
    int32_t start[kNf4Panel] = {};  // bias, 0 past n_end
    for (size_t i = 0; i < kNf4Panel && p * kNf4Panel + i < args.n_end; ++i) {
      start[i] = m.bias != nullptr ? m.bias[p * kNf4Panel + i] : 0;
    }
    for (size_t h = 0; h < 2; ++h) {
      const size_t n0 = p * kNf4Panel + 8 * h;
      if (n0 >= args.n_end) break;
      const size_t valid = args.n_end - n0 < 8 ? args.n_end - n0 : 8;
      for (size_t r0 = 0; r0 < args.m; r0 += kNf4Avx2Mr) {
        const size_t rows = args.m - r0 < kNf4Avx2Mr ? args.m - r0 : kNf4Avx2Mr;
        kTiles[rows - 1](args.a + r0 * args.lda, args.lda, k, w + 32 * h, start + 8 * h,
                         *args.epilogue, n0, valid, c + r0 * args.ldc * out_size,
                         args.ldc * out_size);
      }
    }
  }
}

}  // namespace intformer
