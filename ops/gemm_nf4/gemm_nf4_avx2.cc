// avx2 gemm_nf4: 3 rows x 8 channels, vpshufb table lookup + the sign trick, bit-exact with ref.
//
// AVX2 has no vpdpbusd, and vpmaddubsw (u8 x s8, pairs summed into int16 with saturation) would
// saturate on (a + 128) * level. The sign trick keeps it exact: |a| (vpabsb; |-128| = 128 as u8)
// times sign(a) * level (vpsignb; |level| <= 127, so the negation cannot overflow) gives
// a * level, and a pair sums to at most 2 * 128 * 127 = 32512 < 2^15: no saturation. vpmaddwd
// with ones then adds the pairs into int32 lanes of 4 k each, the same grouping as vpdpbusd.
// The panel is decoded once per call per panel into a thread-local buffer (same order as the
// avx512 kernel: the two 8-channel halves are the two 32-byte halves of each 64-byte group).
// Block step: the block sums start at 2^(s-1), so vpsrad by s gives Q; vpmaddwd against the
// word pairs (mult, 0) gives Q * mult (both fit int16) and vpaddd accumulates in int32 (every
// partial sum is below 2^31, gemm_nf4.h). The epilogue (+ bias, requant) is the scalar one.
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

#define NF4_ROW(r)                                                                      \
  if constexpr (R > r) {                                                                \
    const __m256i av = _mm256_set1_epi32(Load4(a##r + off));                            \
    const __m256i pr = _mm256_maddubs_epi16(_mm256_abs_epi8(av), _mm256_sign_epi8(wv, av)); \
    p##r = _mm256_add_epi32(p##r, _mm256_madd_epi16(pr, ones));                         \
  }
#define NF4_BLOCK(r)                                                                 \
  if constexpr (R > r) {                                                             \
    e##r = _mm256_add_epi32(e##r, _mm256_madd_epi16(_mm256_sra_epi32(p##r, sh), mv)); \
    p##r = rnd;                                                                      \
  }

// R rows x the 8 channels of half h of a decoded panel (n0 = first channel, valid <= 8).
template <int R>
void Tile(const int8_t* a, size_t lda, size_t k, const int8_t* w, const int32_t* mults,
          const Nf4Matrix& m, const GemmEpilogue& ep, size_t n0, size_t valid, char* c,
          size_t ldc_bytes) {
  const int8_t* a0 = a;
  const int8_t* a1 = R > 1 ? a + lda : a;
  const int8_t* a2 = R > 2 ? a + 2 * lda : a;
  const int s = Nf4BlockShift(k);
  const __m128i sh = _mm_cvtsi32_si128(s);
  const __m256i z = _mm256_setzero_si256(), ones = _mm256_set1_epi16(1);
  const __m256i rnd = _mm256_set1_epi32(int32_t{1} << (s - 1));
  const __m256i low16 = _mm256_set1_epi32(0xffff);
  __m256i p0 = rnd, p1 = rnd, p2 = rnd, e0 = z, e1 = z, e2 = z;
  size_t off = 0;
  for (size_t b = 0; b < k / kNf4Block; ++b) {
    for (size_t g = 0; g < kNf4Block / 4; ++g, off += 4, w += 64) {
      const __m256i wv = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
      NF4_ROW(0) NF4_ROW(1) NF4_ROW(2)
    }
    // (mult, 0) word pairs: the high word of a negative mult must not read as -1.
    const __m256i mv = _mm256_and_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mults + b * kNf4Panel)), low16);
    NF4_BLOCK(0) NF4_BLOCK(1) NF4_BLOCK(2)
  }
  const __m256i ev[3] = {e0, e1, e2};
  for (int r = 0; r < R; ++r) {
    alignas(32) int32_t acc[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(acc), ev[r]);
    for (size_t i = 0; i < valid; ++i) acc[i] += m.bias != nullptr ? m.bias[n0 + i] : 0;
    GemmEpilogueScalar(ep, acc, valid, n0, c + r * ldc_bytes);
  }
}
#undef NF4_ROW
#undef NF4_BLOCK

using TileFn = void (*)(const int8_t*, size_t, size_t, const int8_t*, const int32_t*,
                        const Nf4Matrix&, const GemmEpilogue&, size_t, size_t, char*, size_t);
constexpr TileFn kTiles[3] = {Tile<1>, Tile<2>, Tile<3>};

// Decodes panel p into `w`: per group of 4 k, 64 bytes (channel c's 4 levels at 4c).
void DecodePanel(const Nf4Matrix& m, size_t p, int8_t* w) {
  const uint8_t* src = m.codes + p * kNf4Panel * m.k / 2;
  const __m128i t128 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kNf4Levels));
  const __m256i table = _mm256_broadcastsi128_si256(t128);
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  for (size_t j = 0; j < m.k / 8; ++j, src += 64, w += 128) {
    for (size_t h = 0; h < 2; ++h) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32 * h));
      const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(x, low4));
      const __m256i hi =
          _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low4));
      _mm256_store_si256(reinterpret_cast<__m256i*>(w + 32 * h), lo);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w + 64 + 32 * h), hi);
    }
  }
}

}  // namespace

void Nf4GemmAvx2(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  thread_local std::vector<Line> wbuf;
  thread_local std::vector<int32_t> mults;
  if (wbuf.size() < k * kNf4Panel / 32) wbuf.resize(k * kNf4Panel / 32);
  if (mults.size() < kb * kNf4Panel) mults.resize(kb * kNf4Panel);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  int8_t* w = reinterpret_cast<int8_t*>(wbuf.data());
  for (size_t p = args.n_begin / kNf4Panel; p * kNf4Panel < args.n_end; ++p) {
    DecodePanel(m, p, w);
    Nf4PanelMults(m, p, mults.data());
    for (size_t h = 0; h < 2; ++h) {
      const size_t n0 = p * kNf4Panel + 8 * h;
      if (n0 >= args.n_end) break;
      const size_t valid = args.n_end - n0 < 8 ? args.n_end - n0 : 8;
      for (size_t r0 = 0; r0 < args.m; r0 += kNf4Avx2Mr) {
        const size_t rows = args.m - r0 < kNf4Avx2Mr ? args.m - r0 : kNf4Avx2Mr;
        kTiles[rows - 1](args.a + r0 * args.lda, args.lda, k, w + 32 * h,
                         mults.data() + 8 * h, m, *args.epilogue, n0, valid,
                         c + r0 * args.ldc * out_size, args.ldc * out_size);
      }
    }
  }
}

}  // namespace intformer
