// amx gemm_nf4: W8 decoded once per strip of 48 channels, then Intel AMX tiles (tdpbssd) over
// all of K, 16 rows x 48 channels per tile step, bit-exact with ref.
//
// Per strip of 48 channels (three codes panels): the block ratios are gathered and the codes
// decoded to W8 (gemm_nf4_avx512_inl.h, shared with avx512vnni) into a thread-local buffer
// whose layout is already the AMX B layout: group g at g * 192 bytes, panel c at + 64 c, so a
// B tile (16 groups = one 64-k chunk x 16 channels) is a tileloadd with a 192-byte stride.
// Then every 16-row block streams past it as in gemm_s8's amx kernel: per 64-k chunk one A
// tile (read in place: A and W8 are both signed, so tdpbssd needs no a + 128 copy and no
// column-sum compensation) and three B tiles feed three tdpbssd into C tiles that stay in the
// tile registers for all of K (NF4 blocks are folded into W8, so nothing happens per block).
// K is a multiple of 64 for every NF4 matrix: no K tail. Every partial sum is below 2^31
// (gemm_nf4.h), so tdpbssd's wrapping int32 accumulation is exact and the C tiles hold ref's
// sums; bias, then gemm_s8's AVX-512 epilogue.
//
// Tiles: 0-2 C (16 x 16 int32 each), 3 A, 4-6 B. The last m mod 16 rows run under a second
// tile configuration with that many rows, so no tile load reads past A. The OS grant of the
// tile state is runtime/cpu.cc's; each call configures its own thread's tiles and releases them
// at the end.
#include <immintrin.h>

#include <vector>

#include "ops/gemm_nf4/gemm_nf4_avx512_inl.h"
#include "ops/gemm_nf4/gemm_nf4_variants.h"
#include "ops/gemm_s8/gemm_amx_tiles_inl.h"
#include "ops/gemm_s8/gemm_s8_epilogue_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kMr = kNf4AmxMr;
constexpr size_t kNr = kNf4StripNr;        // 48 channels per strip
constexpr size_t kGroupBytes = kNr * 4;    // one group of 4 k of the strip: a B tile row x 3
constexpr size_t kChunkBytes = 16 * kGroupBytes;  // 64 k
static_assert(kMr == 16 && kNr == 48, "3 C tiles of 16 x 16");

// C0..C2 and A: `rows` rows; B0..B2: 16 groups.
void ConfigureTiles(size_t rows) { ConfigureAmxTiles(7, 4, rows); }

struct Strip {
  const int8_t* w;       // W8 in the AMX B layout
  const int32_t* bias;   // [48], 0 where there is none
  size_t n0, valid;      // first channel, valid channels (<= 48)
};

// `rows` rows of `a` (row stride lda) against the C columns of the strip: tiles over all chunks,
// then bias and the epilogue.
template <int C>
void Rows(const int8_t* a, size_t lda, size_t chunks, size_t rows, const Strip& st, const Epi& e,
          char* c, size_t ldc_bytes) {
  _tile_zero(0);
  if constexpr (C > 1) _tile_zero(1);
  if constexpr (C > 2) _tile_zero(2);
  const int8_t* b = st.w;
  for (size_t ch = 0; ch < chunks; ++ch, b += kChunkBytes) {
    _tile_loadd(3, a + 64 * ch, lda);
    _tile_loadd(4, b, kGroupBytes);
    if constexpr (C > 1) _tile_loadd(5, b + 64, kGroupBytes);
    if constexpr (C > 2) _tile_loadd(6, b + 128, kGroupBytes);
    _tile_dpbssd(0, 3, 4);
    if constexpr (C > 1) _tile_dpbssd(1, 3, 5);
    if constexpr (C > 2) _tile_dpbssd(2, 3, 6);
  }
  alignas(64) int32_t sums[kMr][kNr];
  _tile_stored(0, &sums[0][0], kNr * 4);
  if constexpr (C > 1) _tile_stored(1, &sums[0][16], kNr * 4);
  if constexpr (C > 2) _tile_stored(2, &sums[0][32], kNr * 4);
  for (int j = 0; j < C; ++j) {
    const size_t col = 16 * static_cast<size_t>(j);
    const __mmask16 mask = LaneMask(st.valid - col);
    const __m512i bias = _mm512_load_si512(st.bias + col);
    __m512i mult = _mm512_setzero_si512(), shift = mult;
    if (e.output != GemmOutput::kS32) LoadScale16(e, st.n0 + col, mask, &mult, &shift);
    for (size_t r = 0; r < rows; ++r) {
      Store16(e, _mm512_add_epi32(bias, _mm512_load_si512(&sums[r][col])), mult, shift,
              st.n0 + col, mask, c + r * ldc_bytes);
    }
  }
}

using RowsFn = void (*)(const int8_t*, size_t, size_t, size_t, const Strip&, const Epi&, char*,
                        size_t);
constexpr RowsFn kRows[3] = {Rows<1>, Rows<2>, Rows<3>};

}  // namespace

void Nf4GemmAmx(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  // Thread-local buffers grow to the largest problem this thread has seen, then are reused.
  thread_local std::vector<int32_t> wbuf, consts;
  if (wbuf.size() < k * kNr / 4 + 16) wbuf.resize(k * kNr / 4 + 16);
  if (consts.size() < kb * kNr + kNr + 16) consts.resize(kb * kNr + kNr + 16);
  int8_t* w = reinterpret_cast<int8_t*>(Align64(wbuf.data()));
  int32_t* ratios = Align64(consts.data());  // kb * 48, then the bias (48)
  int32_t* bias = ratios + kb * kNr;

  const Epi e = MakeEpi(*args.epilogue);
  const size_t ldc_bytes = args.ldc * (e.output == GemmOutput::kS8Requant ? 1 : 4);
  char* c = static_cast<char*>(args.c);
  const size_t full = args.m / kMr * kMr;
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    Strip st;
    st.n0 = n0;
    st.valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const size_t cols = (st.valid + kNf4Panel - 1) / kNf4Panel;
    StripRatios(m, n0, st.valid, ratios);
    DecodeStrip(m, n0 / kNf4Panel, cols, ratios, w, nullptr);
    for (size_t i = 0; i < kNr; ++i) {
      bias[i] = i < st.valid && m.bias != nullptr ? m.bias[n0 + i] : 0;
    }
    st.w = w;
    st.bias = bias;
    const RowsFn rows_fn = kRows[cols - 1];
    if (full > 0) {
      ConfigureTiles(kMr);
      for (size_t m0 = 0; m0 < full; m0 += kMr) {
        rows_fn(args.a + m0 * args.lda, args.lda, kb, kMr, st, e, c + m0 * ldc_bytes, ldc_bytes);
      }
    }
    if (full < args.m) {  // the row tail, under its own configuration
      ConfigureTiles(args.m - full);
      rows_fn(args.a + full * args.lda, args.lda, kb, args.m - full, st, e, c + full * ldc_bytes,
              ldc_bytes);
    }
  }
  _tile_release();
}

}  // namespace intformer
