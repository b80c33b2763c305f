// avx512vnni gemm_nf4: 8 rows x 48 channels, vpshufb decode + vpdpbusd, block step vpsravd +
// vpdpwssd, bit-exact with ref.
//
// Per call: A is copied once as a ^ 0x80 = a + 128 (unsigned, vpdpbusd's u8 operand) into a
// thread-local buffer, as gemm_s8's avx512vnni kernel does. Per strip of 48 channels (three
// 16-channel codes panels): the codes are decoded once into a thread-local int8 buffer in
// vpdpbusd order, 3 x 64 bytes per group of 4 k (one 64-byte load of codes -> vpand / vpsrlw +
// vpand -> two vpshufb through the 16-entry level table replicated in each 128-bit lane), so the
// main loop is gemm_s8's 8 x 48 loop: 3 weight loads and 8 broadcasts per 24 vpdpbusd. Every row
// block of 8 then streams past the decoded strip (36 KB for K = 768: L1; 144 KB for K = 3072:
// L2), so the decode is paid once per strip, not once per row block.
//
// Exactness. The 24 block sums start each block at init(n, b) = 2^(s-1) - 128 * SW(n, b)
// (SW = the block's level sum, taken at decode with vpdpbusd against ones), so after the 16
// groups a register holds 2^(s-1) + sum (a + 128) * level - 128 * SW = P + 2^(s-1) exactly
// (vpdpbusd wraps; the true value is below 2^21). vpsravd by s gives Q (|Q| < 2^15), and
// vpdpwssd against the word pairs (mult, 0) adds Q * mult into the int32 output accumulator,
// which started at bias. Every partial sum is below 2^31 (gemm_nf4.h), so the wrapping adds are
// exact and the accumulator is ref's result. Register budget: 24 block sums + 3 weights + 1
// broadcast + the shift vector; the 24 output accumulators live in a 1.5 KB L1 buffer, touched
// once per block (one load, one vpsravd, one vpdpwssd, one store per 16 vpdpbusd).
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
  const int8_t* w;        // decoded levels: K/4 groups x cols x 64 bytes
  const int32_t* init;    // [K/64][48]: 2^(s-1) - 128 * SW(n, b)
  const int32_t* mults;   // [K/64][48]: the int16 pair (mult, 0)
  const int32_t* bias;    // [48], 0 where there is none
  size_t n0, valid;       // first channel, valid channels (<= 48)
};

// gemm_s8's AVX-512 epilogue and the block shift.
struct Nf4Epi {
  Epi epi;
  int s;
};

// Named registers, not arrays: GCC keeps an __m512i array on the stack (see gemm_s8's kernel).
#define NF4_ROW(r)                                                          \
  if constexpr (R > r) {                                                    \
    const __m512i av = _mm512_set1_epi32(Load4(a##r + off));                \
    p##r##0 = _mm512_dpbusd_epi32(p##r##0, av, w0);                         \
    if constexpr (C > 1) p##r##1 = _mm512_dpbusd_epi32(p##r##1, av, w1);    \
    if constexpr (C > 2) p##r##2 = _mm512_dpbusd_epi32(p##r##2, av, w2);    \
  }
#define NF4_INIT(r)                                              \
  if constexpr (R > r) {                                         \
    p##r##0 = _mm512_load_si512(ib);                             \
    if constexpr (C > 1) p##r##1 = _mm512_load_si512(ib + 16);   \
    if constexpr (C > 2) p##r##2 = _mm512_load_si512(ib + 32);   \
  }
#define NF4_STEP1(r, j)                                                                   \
  {                                                                                       \
    int32_t* out = acc + (r) * kNr + 16 * (j);                                            \
    _mm512_store_si512(out, _mm512_dpwssd_epi32(_mm512_load_si512(out),                   \
                                                _mm512_srav_epi32(p##r##j, sv),           \
                                                _mm512_load_si512(mb + 16 * (j))));       \
  }
#define NF4_STEP(r)                           \
  if constexpr (R > r) {                      \
    NF4_STEP1(r, 0)                           \
    if constexpr (C > 1) NF4_STEP1(r, 1)      \
    if constexpr (C > 2) NF4_STEP1(r, 2)      \
  }

// R rows x C columns of one strip, full K, then the epilogue. `a` is A + 128 (rows of lda bytes).
template <int R, int C>
void Tile(const uint8_t* a, size_t lda, size_t k, const Strip& st, const Nf4Epi& e, char* c,
          size_t ldc_bytes) {
  alignas(64) int32_t acc[kMr * kNr];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < C; ++j) {
      _mm512_store_si512(acc + r * kNr + 16 * j, _mm512_load_si512(st.bias + 16 * j));
    }
  }
  const uint8_t* a0 = a;
  const uint8_t* a1 = R > 1 ? a + lda : a;
  const uint8_t* a2 = R > 2 ? a + 2 * lda : a;
  const uint8_t* a3 = R > 3 ? a + 3 * lda : a;
  const uint8_t* a4 = R > 4 ? a + 4 * lda : a;
  const uint8_t* a5 = R > 5 ? a + 5 * lda : a;
  const uint8_t* a6 = R > 6 ? a + 6 * lda : a;
  const uint8_t* a7 = R > 7 ? a + 7 * lda : a;
  const __m512i sv = _mm512_set1_epi32(e.s);
  __m512i p00, p01, p02, p10, p11, p12, p20, p21, p22, p30, p31, p32;
  __m512i p40, p41, p42, p50, p51, p52, p60, p61, p62, p70, p71, p72;
  const int8_t* wp = st.w;
  const int32_t* ib = st.init;
  const int32_t* mb = st.mults;
  NF4_INIT(0) NF4_INIT(1) NF4_INIT(2) NF4_INIT(3)
  NF4_INIT(4) NF4_INIT(5) NF4_INIT(6) NF4_INIT(7)
  // One flat loop over the groups (the block step every 16th): GCC 12 keeps the 24 block sums
  // in registers here, where a nested 16-trip loop made it copy and spill each of them.
  const size_t groups = k / 4;
  for (size_t g = 0, off = 0; g < groups; ++g, off += 4, wp += C * 64) {
    const __m512i w0 = _mm512_load_si512(wp);
    const __m512i w1 = C > 1 ? _mm512_load_si512(wp + 64) : w0;
    const __m512i w2 = C > 2 ? _mm512_load_si512(wp + 128) : w0;
    NF4_ROW(0) NF4_ROW(1) NF4_ROW(2) NF4_ROW(3) NF4_ROW(4) NF4_ROW(5) NF4_ROW(6) NF4_ROW(7)
    if (g % 16 == 15) {
      NF4_STEP(0) NF4_STEP(1) NF4_STEP(2) NF4_STEP(3)
      NF4_STEP(4) NF4_STEP(5) NF4_STEP(6) NF4_STEP(7)
      ib += kNr;
      mb += kNr;
      NF4_INIT(0) NF4_INIT(1) NF4_INIT(2) NF4_INIT(3)
      NF4_INIT(4) NF4_INIT(5) NF4_INIT(6) NF4_INIT(7)
    }
  }
  for (int j = 0; j < C; ++j) {
    const size_t col = 16 * static_cast<size_t>(j);
    const __mmask16 mask = LaneMask(st.valid - col);
    __m512i mult = _mm512_setzero_si512(), shift = mult;
    if (e.epi.output != GemmOutput::kS32) LoadScale16(e.epi, st.n0 + col, mask, &mult, &shift);
    for (int r = 0; r < R; ++r) {
      Store16(e.epi, _mm512_load_si512(acc + r * kNr + col), mult, shift, st.n0 + col, mask,
              c + r * ldc_bytes);
    }
  }
}
#undef NF4_ROW
#undef NF4_INIT
#undef NF4_STEP1
#undef NF4_STEP

using TileFn = void (*)(const uint8_t*, size_t, size_t, const Strip&, const Nf4Epi&, char*,
                        size_t);
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
  if (consts.size() < 2 * kb * kNr + kNr + 16) consts.resize(2 * kb * kNr + kNr + 16);
  uint8_t* a = reinterpret_cast<uint8_t*>(abuf.data());
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (size_t r = 0; r < args.m; ++r) {
    for (size_t kk = 0; kk < k; kk += 64) {
      _mm512_store_si512(a + r * k + kk,
                         _mm512_xor_si512(_mm512_loadu_si512(args.a + r * args.lda + kk), flip));
    }
  }
  int32_t* init = Align64(consts.data());  // kb * 48, then mults kb * 48, then bias 48
  int32_t* mults = init + kb * kNr;
  int32_t* bias = mults + kb * kNr;
  int8_t* w = reinterpret_cast<int8_t*>(wbuf.data());

  const Nf4Epi e{MakeEpi(*args.epilogue), Nf4BlockShift(k)};
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    Strip st;
    st.n0 = n0;
    st.valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const size_t cols = (st.valid + kNf4Panel - 1) / kNf4Panel;
    DecodeStrip(m, n0 / kNf4Panel, cols, e.s, w, init);
    StripMults(m, n0, st.valid, mults);
    for (size_t i = 0; i < kNr; ++i) {
      bias[i] = i < st.valid && m.bias != nullptr ? m.bias[n0 + i] : 0;
    }
    st.w = w;
    st.init = init;
    st.mults = mults;
    st.bias = bias;
    for (size_t r0 = 0; r0 < args.m; r0 += kMr) {
      const size_t rows = args.m - r0 < kMr ? args.m - r0 : kMr;
      kTiles[rows - 1][cols - 1](a + r0 * k, k, k, st, e, c + r0 * args.ldc * out_size,
                                 args.ldc * out_size);
    }
  }
}

}  // namespace intformer
