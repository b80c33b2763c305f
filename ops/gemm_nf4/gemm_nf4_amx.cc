// amx gemm_nf4: Intel AMX tiles (tdpbssd) for the block sums, AVX-512 for the block step,
// 16 rows x 16 channels per tile, bit-exact with ref.
//
// Why AMX fits NF4. A block is 64 consecutive k of one channel, and an int8 AMX tile row is
// exactly 64 bytes: one tdpbssd of an A tile (16 rows x the block's 64 activations) by a B tile
// (the block's 16 groups of 4 k x 16 channels) yields the 16 x 16 block sums P(m, n, b) that
// the header defines, with nothing else mixed in. The tile multiplies signed by signed, so A is
// read in place (no a + 128 copy) and there is no level-sum compensation.
//
// Per strip of 48 channels (three codes panels, as avx512vnni): the codes are decoded once into
// a thread-local int8 buffer whose layout is already the AMX B layout (group g at g * 192 bytes,
// panel c at + 64 c: a B tile is a tileloadd with a 192-byte stride), and the block multipliers
// are gathered once (gemm_nf4_avx512_inl.h, shared with avx512vnni). Then for every 16-row
// block and every 16-channel column, the blocks b run on two alternating tile sets (C, A, B):
//   C = 2^(s-1) (tileloadd of a constant tile), C += A . B (tdpbssd), C -> 1 KB buffer,
//   acc[r] += ((P + 2^(s-1)) >> s) * mult(n, b)       (vpsrad + vpdpwssd, 16 rows)
// so tile set b+1 multiplies while the vector units fold block b. acc starts at bias and stays
// in 16 zmm registers over all blocks; every partial sum is below 2^31 (gemm_nf4.h), so the
// wrapping adds are exact and acc equals ref's int32. Then gemm_s8's AVX-512 epilogue.
//
// Row tail: the last m mod 16 rows run under a second tile configuration with that many rows,
// so no tile load reads past A; the fold still runs 16 lanes of rows (the stale ones are never
// stored). The OS grant of the tile state is runtime/cpu.cc's (as for gemm_s8's amx kernel);
// each call configures its own thread's tiles and releases them at the end.
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4_avx512_inl.h"
#include "ops/gemm_nf4/gemm_nf4_variants.h"
#include "ops/gemm_s8/gemm_amx_tiles_inl.h"
#include "ops/gemm_s8/gemm_s8_epilogue_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kMr = kNf4AmxMr;
constexpr size_t kNr = kNf4StripNr;
static_assert(kMr == 16, "one C tile is 16 rows x 16 channels");

// Tiles 0, 1: C; 2, 3: A (`rows` rows each); 4, 5: B (16 groups).
void ConfigureTiles(size_t rows) { ConfigureAmxTiles(6, 4, rows); }

struct Strip {
  const int8_t* w;       // decoded levels, AMX B layout, row stride `stride`
  size_t stride;         // bytes per group of 4 k (cols * 64)
  const int32_t* mults;  // [K/64][48]: the int16 pairs (mult, 0)
  const int32_t* bias;   // [48]
  size_t n0, valid, cols;
};

// One tile set's block: P + 2^(s-1) of 16 rows x 16 channels into sums (tile indices are
// immediates, hence the macro).
#define NF4_AMX_BLOCK(C, A, B, blk, sums)                            \
  _tile_loadd(C, rnd_tile, 64);                                       \
  _tile_loadd(A, a + 64 * (blk), lda);                                \
  _tile_loadd(B, st.w + 16 * (blk) * st.stride + 64 * j, st.stride);  \
  _tile_dpbssd(C, A, B);                                              \
  _tile_stored(C, sums, 64);

// acc[r] += (sums[r] >> s) * mult for the 16 rows (a full unroll keeps acc in registers).
inline void Fold(const int32_t* sums, __m128i s, __m512i mult, __m512i acc[16]) {
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) {
    acc[r] = _mm512_dpwssd_epi32(acc[r], _mm512_sra_epi32(_mm512_load_si512(sums + 16 * r), s),
                                 mult);
  }
}

// Rows [0, rows) of `a` (row stride lda) against column j of the strip, over all K blocks.
void Column(const int8_t* a, size_t lda, size_t rows, size_t kb, const Strip& st, size_t j,
            const int32_t* rnd_tile, __m128i s, const Epi& e, char* c, size_t ldc_bytes) {
  alignas(64) int32_t sums0[16 * 16], sums1[16 * 16];
  if (rows < 16) {  // the fold reads all 16 rows; the tiles store only `rows`
    std::memset(sums0, 0, sizeof(sums0));
    std::memset(sums1, 0, sizeof(sums1));
  }
  __m512i acc[16];
  const __m512i bias = _mm512_load_si512(st.bias + 16 * j);
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) acc[r] = bias;
  size_t b = 0;
  for (; b + 2 <= kb; b += 2) {
    NF4_AMX_BLOCK(0, 2, 4, b, sums0)
    NF4_AMX_BLOCK(1, 3, 5, b + 1, sums1)
    Fold(sums0, s, _mm512_load_si512(st.mults + b * kNr + 16 * j), acc);
    Fold(sums1, s, _mm512_load_si512(st.mults + (b + 1) * kNr + 16 * j), acc);
  }
  if (b < kb) {
    NF4_AMX_BLOCK(0, 2, 4, b, sums0)
    Fold(sums0, s, _mm512_load_si512(st.mults + b * kNr + 16 * j), acc);
  }
  const size_t col = 16 * j;
  const __mmask16 mask = LaneMask(st.valid - col);
  __m512i mult = _mm512_setzero_si512(), shift = mult;
  if (e.output != GemmOutput::kS32) LoadScale16(e, st.n0 + col, mask, &mult, &shift);
  alignas(64) int32_t out[16 * 16];
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) _mm512_store_si512(out + 16 * r, acc[r]);
  for (size_t r = 0; r < rows; ++r) {
    Store16(e, _mm512_load_si512(out + 16 * r), mult, shift, st.n0 + col, mask,
            c + r * ldc_bytes);
  }
}
#undef NF4_AMX_BLOCK

}  // namespace

void Nf4GemmAmx(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  const int s = Nf4BlockShift(k);
  // Thread-local buffers grow to the largest problem this thread has seen, then are reused.
  thread_local std::vector<int32_t> wbuf, consts;
  if (wbuf.size() < k * kNr / 4 + 16) wbuf.resize(k * kNr / 4 + 16);
  if (consts.size() < kb * kNr + kNr + 256 + 16) consts.resize(kb * kNr + kNr + 256 + 16);
  int8_t* w = reinterpret_cast<int8_t*>(Align64(wbuf.data()));
  int32_t* mults = Align64(consts.data());  // kb * 48, then bias 48, then the 2^(s-1) tile
  int32_t* bias = mults + kb * kNr;
  int32_t* rnd_tile = bias + kNr;
  for (size_t i = 0; i < 256; ++i) rnd_tile[i] = int32_t{1} << (s - 1);

  const Epi e = MakeEpi(*args.epilogue);
  const __m128i sv = _mm_cvtsi32_si128(s);
  const size_t ldc_bytes = args.ldc * (e.output == GemmOutput::kS8Requant ? 1 : 4);
  char* c = static_cast<char*>(args.c);
  const size_t full = args.m / kMr * kMr;
  if (full > 0) ConfigureTiles(kMr);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    Strip st;
    st.n0 = n0;
    st.valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    st.cols = (st.valid + kNf4Panel - 1) / kNf4Panel;
    st.stride = st.cols * 64;
    DecodeStrip(m, n0 / kNf4Panel, st.cols, s, w, nullptr);
    StripMults(m, n0, st.valid, mults);
    for (size_t i = 0; i < kNr; ++i) {
      bias[i] = i < st.valid && m.bias != nullptr ? m.bias[n0 + i] : 0;
    }
    st.w = w;
    st.mults = mults;
    st.bias = bias;
    for (size_t m0 = 0; m0 < full; m0 += kMr) {
      for (size_t j = 0; j < st.cols; ++j) {
        Column(args.a + m0 * args.lda, args.lda, kMr, kb, st, j, rnd_tile, sv, e,
               c + m0 * ldc_bytes, ldc_bytes);
      }
    }
    if (full < args.m) {  // the row tail, under its own configuration (then back for the next)
      const size_t rows = args.m - full;
      ConfigureTiles(rows);
      for (size_t j = 0; j < st.cols; ++j) {
        Column(args.a + full * args.lda, args.lda, rows, kb, st, j, rnd_tile, sv, e,
               c + full * ldc_bytes, ldc_bytes);
      }
      if (full > 0 && n0 + kNr < args.n_end) ConfigureTiles(kMr);
    }
  }
  _tile_release();
}

}  // namespace intformer
