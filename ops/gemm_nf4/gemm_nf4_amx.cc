// amx gemm_nf4: Intel AMX tiles (tdpbssd) for the block sums, AVX-512 for the block step,
// bit-exact with ref.
//
// Why AMX fits NF4. A block is 64 consecutive k of one channel, and an int8 AMX tile row is
// exactly 64 bytes: one tdpbssd of an A tile (16 rows x the block's 64 activations) by a B tile
// (the block's 16 groups of 4 k x 16 channels) yields the 16 x 16 block sums P(m, n, b) that
// the header defines, with nothing else mixed in. The tile multiplies signed by signed, so A is
// read in place (no a + 128 copy) and there is no level-sum compensation.
//
// Per strip of 64 channels (four codes panels): the codes are decoded once into a thread-local
// int8 buffer whose layout is already the AMX B layout (group g at g * 256 bytes, panel c at
// + 64 c: a B tile is a tileloadd with a 256-byte stride), and the block multipliers are
// gathered once (gemm_nf4_avx512_inl.h, shared with avx512vnni). Then, per 32 rows and pair of
// 16-channel columns, every block b:
//   C = 0 (tilezero: four tiles), C += A . B (two A tiles x two B tiles), C -> 4 KB buffer,
//   acc[r] += ((P + 2^(s-1)) >> s) * mult(n, b)       (vpaddd + vpsrad + vpdpwssd)
// The tile side is what bounds this kernel, and it pays per tdpbssd for the C tile's store
// (the per-block rounding is normative, so C cannot stay in the tile over K as in gemm_s8) and
// for its share of the A and B loads: the 2 x 2 form halves the loads per tdpbssd of a 16 x 16
// form and zeroes C instead of loading the rounding constant (bench_gemm_nf4: ~430-560 ->
// ~530-570 GMAC/s). Its 64 accumulator vectors live in an L1 buffer; block b+1's tile work is
// issued before block b is folded. Every partial sum is below 2^31 (gemm_nf4.h), so the
// wrapping adds are exact and acc equals ref's int32. Then gemm_s8's AVX-512 epilogue.
//
// Leftovers run 16 x 16 (one C, A and B tile per block, two tile sets alternating, acc in 16
// zmm): an odd last column, a 16-row remainder, and the last m mod 16 rows, which run under a
// second tile configuration with that many rows, so no tile load reads past A; the fold still
// runs 16 lanes of rows (the stale ones are never stored). The OS grant of the tile state is
// runtime/cpu.cc's (as for gemm_s8's amx kernel); each call configures its own thread's tiles
// and releases them at the end.

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
constexpr size_t kCols = 4;  // 16-channel columns per strip: two pairs for the 2 x 2 form
constexpr size_t kNr = kCols * kNf4Panel;
static_assert(kMr == 16, "one C tile is 16 rows x 16 channels");

// 16 rows: all eight tiles (the 2 x 2 form uses 0-7, the 16 x 16 form 0-5). Fewer rows (the row
// tail, 16 x 16 form only): tiles 0, 1: C; 2, 3: A with `rows` rows; 4, 5: B (16 groups).
void ConfigureTiles(size_t rows) {
  if (rows == 16) {
    ConfigureAmxTiles(8, 8, 16);
  } else {
    ConfigureAmxTiles(6, 4, rows);
  }
}

struct Strip {
  const int8_t* w;       // decoded levels, AMX B layout, row stride `stride`
  size_t stride;         // bytes per group of 4 k (cols * 64)
  const int32_t* mults;  // [K/64][kNr]: the int16 pairs (mult, 0)
  const int32_t* bias;   // [kNr]
  size_t n0, valid, cols;
};

// The block step's constants: Q = (P + 2^(s-1)) >> s, by an immediate for the common s = 5
// (every K up to 4096), else by a register count.
struct Step {
  __m512i rnd;
  __m128i s;
};

template <bool kS5>
inline __m512i Q(const Step& st, const int32_t* p) {
  const __m512i x = _mm512_add_epi32(_mm512_load_si512(p), st.rnd);
  return kS5 ? _mm512_srai_epi32(x, 5) : _mm512_sra_epi32(x, st.s);
}

// Writes 16 x 16 accumulators (row stride 16) through the epilogue: rows [0, rows) of column j.
void StoreColumn(const Epi& e, const Strip& st, size_t j, const int32_t* acc, size_t rows,
                 char* c, size_t ldc_bytes) {
  const size_t col = 16 * j;
  const __mmask16 mask = LaneMask(st.valid - col);
  __m512i mult = _mm512_setzero_si512(), shift = mult;
  if (e.output != GemmOutput::kS32) LoadScale16(e, st.n0 + col, mask, &mult, &shift);
  for (size_t r = 0; r < rows; ++r) {
    Store16(e, _mm512_load_si512(acc + 16 * r), mult, shift, st.n0 + col, mask,
            c + r * ldc_bytes);
  }
}

// One 16 x 16 block of P into sums (tile indices are immediates, hence the macro).
#define NF4_AMX_BLOCK(C, A, B, blk, sums)                            \
  _tile_zero(C);                                                      \
  _tile_loadd(A, a + 64 * (blk), lda);                                \
  _tile_loadd(B, st.w + 16 * (blk) * st.stride + 64 * j, st.stride);  \
  _tile_dpbssd(C, A, B);                                              \
  _tile_stored(C, sums, 64);

template <bool kS5>
inline void Fold(const int32_t* sums, const Step& step, __m512i mult, __m512i acc[16]) {
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) acc[r] = _mm512_dpwssd_epi32(acc[r], Q<kS5>(step, sums + 16 * r), mult);
}

// 16 x 16 form: rows [0, rows) of `a` (row stride lda) against column j, over all K blocks.
template <bool kS5>
void Column(const int8_t* a, size_t lda, size_t rows, size_t kb, const Strip& st, size_t j,
            const Step& step, const Epi& e, char* c, size_t ldc_bytes) {
  alignas(64) int32_t sums0[16 * 16], sums1[16 * 16];
  if (rows < 16) {  // the fold reads all 16 rows; the tiles store only `rows`
    std::memset(sums0, 0, sizeof(sums0));
    std::memset(sums1, 0, sizeof(sums1));
  }
  __m512i acc[16];
  const __m512i bias = _mm512_load_si512(st.bias + 16 * j);
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) acc[r] = bias;
  const int32_t* mults = st.mults + 16 * j;
  size_t b = 0;
  for (; b + 2 <= kb; b += 2) {
    NF4_AMX_BLOCK(0, 2, 4, b, sums0)
    NF4_AMX_BLOCK(1, 3, 5, b + 1, sums1)
    Fold<kS5>(sums0, step, _mm512_load_si512(mults + b * kNr), acc);
    Fold<kS5>(sums1, step, _mm512_load_si512(mults + (b + 1) * kNr), acc);
  }
  if (b < kb) {
    NF4_AMX_BLOCK(0, 2, 4, b, sums0)
    Fold<kS5>(sums0, step, _mm512_load_si512(mults + b * kNr), acc);
  }
  alignas(64) int32_t out[16 * 16];
#pragma GCC unroll 16
  for (int r = 0; r < 16; ++r) _mm512_store_si512(out + 16 * r, acc[r]);
  StoreColumn(e, st, j, out, rows, c, ldc_bytes);
}
#undef NF4_AMX_BLOCK

// 2 x 2 form, one block: tiles 0-3 are C (rows 0-15 x column j, 0-15 x j+1, 16-31 x j,
// 16-31 x j+1); 4, 5: A (rows 0-15, 16-31); 6, 7: B (columns j, j+1).
#define NF4_AMX_2X2(blk, sums)                                            \
  _tile_zero(0);                                                          \
  _tile_zero(1);                                                          \
  _tile_zero(2);                                                          \
  _tile_zero(3);                                                          \
  _tile_loadd(4, a + 64 * (blk), lda);                                    \
  _tile_loadd(5, a + 16 * lda + 64 * (blk), lda);                         \
  _tile_loadd(6, st.w + 16 * (blk) * st.stride + 64 * j, st.stride);      \
  _tile_loadd(7, st.w + 16 * (blk) * st.stride + 64 * j + 64, st.stride); \
  _tile_dpbssd(0, 4, 6);                                                  \
  _tile_dpbssd(1, 4, 7);                                                  \
  _tile_dpbssd(2, 5, 6);                                                  \
  _tile_dpbssd(3, 5, 7);                                                  \
  _tile_stored(0, (sums), 64);                                            \
  _tile_stored(1, (sums) + 256, 64);                                      \
  _tile_stored(2, (sums) + 512, 64);                                      \
  _tile_stored(3, (sums) + 768, 64);

// acc[t][r] += Q(sums[t][r]) * mult for the four 16 x 16 tiles (acc in L1: 64 vectors).
template <bool kS5>
void Fold2x2(const int32_t* sums, const int32_t* mults, const Step& step, int32_t* acc) {
  const __m512i m0 = _mm512_load_si512(mults), m1 = _mm512_load_si512(mults + 16);
  for (int t = 0; t < 4; ++t) {
    const __m512i mult = (t & 1) ? m1 : m0;
#pragma GCC unroll 16
    for (int r = 0; r < 16; ++r) {
      int32_t* p = acc + 256 * t + 16 * r;
      _mm512_store_si512(p, _mm512_dpwssd_epi32(_mm512_load_si512(p),
                                                Q<kS5>(step, sums + 256 * t + 16 * r), mult));
    }
  }
}

// 2 x 2 form: 32 rows of `a` against columns j and j + 1, over all K blocks.
template <bool kS5>
void ColumnPair(const int8_t* a, size_t lda, size_t kb, const Strip& st, size_t j,
                const Step& step, const Epi& e, char* c, size_t ldc_bytes) {
  alignas(64) int32_t sums[2][4 * 256];
  alignas(64) int32_t acc[4 * 256];
  for (int t = 0; t < 4; ++t) {
    const __m512i bias = _mm512_load_si512(st.bias + 16 * (j + (t & 1)));
    for (int r = 0; r < 16; ++r) _mm512_store_si512(acc + 256 * t + 16 * r, bias);
  }
  NF4_AMX_2X2(0, sums[0])
  for (size_t b = 0; b < kb; ++b) {
    if (b + 1 < kb) {
      NF4_AMX_2X2(b + 1, sums[(b + 1) & 1])
    }
    Fold2x2<kS5>(sums[b & 1], st.mults + b * kNr + 16 * j, step, acc);
  }
  for (int t = 0; t < 4; ++t) {
    StoreColumn(e, st, j + (t & 1), acc + 256 * t, 16, c + 16 * (t >> 1) * ldc_bytes, ldc_bytes);
  }
}
#undef NF4_AMX_2X2

// All rows of one strip.
template <bool kS5>
void StripRows(const Nf4GemmArgs& args, size_t kb, const Strip& st, const Step& step,
               const Epi& e, char* c, size_t ldc_bytes) {
  const size_t full = args.m / kMr * kMr, full2 = args.m / 32 * 32;
  const size_t pairs = st.cols / 2 * 2;
  for (size_t m0 = 0; m0 < full2; m0 += 32) {
    const int8_t* a = args.a + m0 * args.lda;
    char* cm = c + m0 * ldc_bytes;
    for (size_t j = 0; j < pairs; j += 2) {
      ColumnPair<kS5>(a, args.lda, kb, st, j, step, e, cm, ldc_bytes);
    }
    for (size_t j = pairs; j < st.cols; ++j) {  // an odd last column: two 16 x 16 passes
      Column<kS5>(a, args.lda, kMr, kb, st, j, step, e, cm, ldc_bytes);
      Column<kS5>(a + 16 * args.lda, args.lda, kMr, kb, st, j, step, e, cm + 16 * ldc_bytes,
                  ldc_bytes);
    }
  }
  for (size_t m0 = full2; m0 < full; m0 += kMr) {  // 16 rows left
    for (size_t j = 0; j < st.cols; ++j) {
      Column<kS5>(args.a + m0 * args.lda, args.lda, kMr, kb, st, j, step, e,
                  c + m0 * ldc_bytes, ldc_bytes);
    }
  }
  if (full < args.m) {  // the row tail, under its own configuration (then back for the next)
    const size_t rows = args.m - full;
    ConfigureTiles(rows);
    for (size_t j = 0; j < st.cols; ++j) {
      Column<kS5>(args.a + full * args.lda, args.lda, rows, kb, st, j, step, e,
                  c + full * ldc_bytes, ldc_bytes);
    }
    if (full > 0) ConfigureTiles(kMr);
  }
}

}  // namespace

void Nf4GemmAmx(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  const int s = Nf4BlockShift(k);
  // Thread-local buffers grow to the largest problem this thread has seen, then are reused.
  thread_local std::vector<int32_t> wbuf, consts;
  if (wbuf.size() < k * kNr / 4 + 16) wbuf.resize(k * kNr / 4 + 16);
  if (consts.size() < kb * kNr + kNr + 16) consts.resize(kb * kNr + kNr + 16);
  int8_t* w = reinterpret_cast<int8_t*>(Align64(wbuf.data()));
  int32_t* mults = Align64(consts.data());  // kb * kNr, then the bias (kNr)
  int32_t* bias = mults + kb * kNr;

  const Epi e = MakeEpi(*args.epilogue);
  const Step step{_mm512_set1_epi32(int32_t{1} << (s - 1)), _mm_cvtsi32_si128(s)};
  const size_t ldc_bytes = args.ldc * (e.output == GemmOutput::kS8Requant ? 1 : 4);
  if (args.m >= kMr) ConfigureTiles(kMr);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    Strip st;
    st.n0 = n0;
    st.valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    st.cols = (st.valid + kNf4Panel - 1) / kNf4Panel;
    st.stride = st.cols * 64;
    DecodeStrip(m, n0 / kNf4Panel, st.cols, s, w, nullptr);
    StripMults(m, n0, st.valid, mults, kNr);
    for (size_t i = 0; i < kNr; ++i) {
      bias[i] = i < st.valid && m.bias != nullptr ? m.bias[n0 + i] : 0;
    }
    st.w = w;
    st.mults = mults;
    st.bias = bias;
    if (s == 5) {
      StripRows<true>(args, kb, st, step, e, static_cast<char*>(args.c), ldc_bytes);
    } else {
      StripRows<false>(args, kb, st, step, e, static_cast<char*>(args.c), ldc_bytes);
    }
  }
  _tile_release();
}

}  // namespace intformer
