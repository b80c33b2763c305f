// avx512vnni gemm_nf4: 8 rows x 48 channels of vpdpbusd over W8 decoded per strip, bit-exact
// with ref.
//
// Per call: A is copied once as a ^ 0x80 = a + 128 (unsigned, vpdpbusd's u8 operand) into a
// thread-local buffer, as gemm_s8's avx512vnni kernel does. Per strip of 48 channels (three
// 16-channel codes panels): the block ratios are gathered and the codes decoded to W8 once
// (gemm_nf4_avx512_inl.h) into a thread-local buffer in vpdpbusd order, 3 x 64 bytes per group
// of 4 k, so the main loop is gemm_s8's 8 x 48 loop over all of K: 3 weight loads and 8
// broadcasts per 24 vpdpbusd, no per-block step. Every row block of 8 then streams past the
// decoded strip (36 KB for K = 768: L1; 144 KB for K = 3072: L2), so the decode is paid once
// per strip, not once per row block.
//
// Exactness. The 24 accumulators start at bias - 128 * sum_k W8 (the column sums taken at
// decode), so after K they hold bias + sum (a + 128) W8 - 128 sum W8 = bias + sum a W8, the
// contract's sum: every partial sum of that is below 2^31 and vpdpbusd's wrapping adds are
// exact modulo 2^32, so the final registers equal ref's int32. Then gemm_s8's AVX-512 epilogue.
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4_avx512_inl.h"
#include "ops/gemm_nf4/gemm_nf4_variants.h"
#include "ops/gemm_s8/gemm_s8_epilogue_avx512_inl.h"

// GCC 12 flags the _mm512_undefined_* operands inside its own intrinsics once inlined here (a
// false positive, as the avx512 flags' -Wno-maybe-uninitialized notes).
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace intformer {
namespace {

constexpr size_t kCols = kNf4StripCols;      // zmm columns (16 channels each) per tile
constexpr size_t kNr = kNf4StripNr;          // 48 channels per strip
constexpr size_t kMr = kNf4Avx512Mr;         // 8 rows per tile

inline int32_t Load4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct alignas(64) Line {
  uint8_t bytes[64];
};

struct Strip {
  const int8_t* w;        // W8: K/4 groups x 3 x 64 bytes
  const int32_t* start;   // [48]: bias - 128 * sum_k W8 (0 past the valid channels)
  size_t n0, valid;       // first channel, valid channels (<= 48)
};

// Named registers, not arrays: GCC keeps an __m512i array on the stack (see gemm_s8's kernel).
#define NF4_ROW(r)                                                          \
  if constexpr (R > r) {                                                    \
    const __m512i av = _mm512_set1_epi32(Load4(a##r + off));                \
    p##r##0 = _mm512_dpbusd_epi32(p##r##0, av, w0);                         \
    if constexpr (C > 1) p##r##1 = _mm512_dpbusd_epi32(p##r##1, av, w1);    \
    if constexpr (C > 2) p##r##2 = _mm512_dpbusd_epi32(p##r##2, av, w2);    \
  }
#define NF4_INIT(r)                                                     \
  if constexpr (R > r) {                                                \
    p##r##0 = _mm512_load_si512(st.start);                              \
    if constexpr (C > 1) p##r##1 = _mm512_load_si512(st.start + 16);    \
    if constexpr (C > 2) p##r##2 = _mm512_load_si512(st.start + 32);    \
  }
#define NF4_OUT(r)                                                                    \
  if constexpr (R > r) {                                                              \
    _mm512_store_si512(acc + (r) * kNr, p##r##0);                                     \
    if constexpr (C > 1) _mm512_store_si512(acc + (r) * kNr + 16, p##r##1);           \
    if constexpr (C > 2) _mm512_store_si512(acc + (r) * kNr + 32, p##r##2);           \
  }

// R rows x C columns of one strip, full K, then the epilogue. `a` is A + 128 (rows of lda bytes).
template <int R, int C>
void Tile(const uint8_t* a, size_t lda, size_t k, const Strip& st, const Epi& e, char* c,
          size_t ldc_bytes) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = R > 1 ? a + lda : a;
  const uint8_t* a2 = R > 2 ? a + 2 * lda : a;
  const uint8_t* a3 = R > 3 ? a + 3 * lda : a;
  const uint8_t* a4 = R > 4 ? a + 4 * lda : a;
  const uint8_t* a5 = R > 5 ? a + 5 * lda : a;
  const uint8_t* a6 = R > 6 ? a + 6 * lda : a;
  const uint8_t* a7 = R > 7 ? a + 7 * lda : a;
  __m512i p00, p01, p02, p10, p11, p12, p20, p21, p22, p30, p31, p32;
  __m512i p40, p41, p42, p50, p51, p52, p60, p61, p62, p70, p71, p72;
  NF4_INIT(0) NF4_INIT(1) NF4_INIT(2) NF4_INIT(3)
  NF4_INIT(4) NF4_INIT(5) NF4_INIT(6) NF4_INIT(7)
  const int8_t* wp = st.w;
  for (size_t off = 0; off < k; off += 4, wp += kNr * 4) {
    const __m512i w0 = _mm512_load_si512(wp);
    const __m512i w1 = C > 1 ? _mm512_load_si512(wp + 64) : w0;
    const __m512i w2 = C > 2 ? _mm512_load_si512(wp + 128) : w0;
    NF4_ROW(0) NF4_ROW(1) NF4_ROW(2) NF4_ROW(3) NF4_ROW(4) NF4_ROW(5) NF4_ROW(6) NF4_ROW(7)
  }
  alignas(64) int32_t acc[kMr * kNr];
  NF4_OUT(0) NF4_OUT(1) NF4_OUT(2) NF4_OUT(3) NF4_OUT(4) NF4_OUT(5) NF4_OUT(6) NF4_OUT(7)
  for (int j = 0; j < C; ++j) {
    const size_t col = 16 * static_cast<size_t>(j);
    const __mmask16 mask = LaneMask(st.valid - col);
    __m512i mult = _mm512_setzero_si512(), shift = mult;
    if (e.output != GemmOutput::kS32) LoadScale16(e, st.n0 + col, mask, &mult, &shift);
    for (int r = 0; r < R; ++r) {
      Store16(e, _mm512_load_si512(acc + r * kNr + col), mult, shift, st.n0 + col, mask,
              c + r * ldc_bytes);
    }
  }
}
#undef NF4_ROW
#undef NF4_INIT
#undef NF4_OUT

using TileFn = void (*)(const uint8_t*, size_t, size_t, const Strip&, const Epi&, char*, size_t);
#define NF4_TILES(r) {Tile<r, 1>, Tile<r, 2>, Tile<r, 3>}
constexpr TileFn kTiles[kMr][kCols] = {NF4_TILES(1), NF4_TILES(2), NF4_TILES(3), NF4_TILES(4),
                                       NF4_TILES(5), NF4_TILES(6), NF4_TILES(7), NF4_TILES(8)};
#undef NF4_TILES


}  // namespace

void Nf4GemmAvx512Vnni(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  // Thread-local buffers grow to the largest problem this thread has seen, then are reused.
  thread_local std::vector<Line> abuf, wbuf;
  thread_local std::vector<int32_t> consts;
  if (abuf.size() < args.m * k / 64) abuf.resize(args.m * k / 64);
  if (wbuf.size() < k * kNr / 64) wbuf.resize(k * kNr / 64);
  if (consts.size() < kb * kNr + 2 * kNr + 16) consts.resize(kb * kNr + 2 * kNr + 16);
  uint8_t* a = reinterpret_cast<uint8_t*>(abuf.data());
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (size_t r = 0; r < args.m; ++r) {
    for (size_t kk = 0; kk < k; kk += 64) {
      _mm512_store_si512(a + r * k + kk,
                         _mm512_xor_si512(_mm512_loadu_si512(args.a + r * args.lda + kk), flip));
    }
  }
  int32_t* ratios = Align64(consts.data());  // kb * 48, then the column sums and starts
  int32_t* colsum = ratios + kb * kNr;
  int32_t* start = colsum + kNr;
  int8_t* w = reinterpret_cast<int8_t*>(wbuf.data());

  const Epi e = MakeEpi(*args.epilogue);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    Strip st;
    st.n0 = n0;
    st.valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const size_t cols = (st.valid + kNf4Panel - 1) / kNf4Panel;
    StripRatios(m, n0, st.valid, ratios);
    DecodeStrip(m, n0 / kNf4Panel, cols, ratios, w, colsum);
    for (size_t i = 0; i < kNr; ++i) {
      const int32_t bias = i < st.valid && m.bias != nullptr ? m.bias[n0 + i] : 0;
      // Wrapping like vpdpbusd: the true start may leave int32, the final sum does not.
      start[i] = i < st.valid ? static_cast<int32_t>(static_cast<uint32_t>(bias) -
                                                     (static_cast<uint32_t>(colsum[i]) << 7))
                              : 0;
    }
    st.w = w;
    st.start = start;
    for (size_t r0 = 0; r0 < args.m; r0 += kMr) {
      const size_t rows = args.m - r0 < kMr ? args.m - r0 : kMr;
      kTiles[rows - 1][cols - 1](a + r0 * k, k, k, st, e, c + r0 * args.ldc * out_size,
                                 args.ldc * out_size);
    }
  }
}

}  // namespace intformer
