// avx512vnni gemm_s8: vpdpbusd micro-kernel, 8 rows x 48 channels, bit-exact with ref.
//
// Packed layout kPackAvx512Vnni (stable; model files may store it). N is cut into panels of 48
// output channels (the last one zero-padded); K into groups of 4 (the last one zero-padded).
// Each panel is
//   int32 bias'[48]                         192 bytes
//   for each group g: int8 [48][4]          192 bytes: channel c's B[c][4g .. 4g+3], c = 0..47
// so one group is three zmm vectors of 16 channels x 4 bytes, exactly the operand vpdpbusd
// multiplies a broadcast 4-byte slice of A against. Panels follow each other contiguously.
//
// Exactness. vpdpbusd multiplies unsigned bytes by signed bytes, so the kernel first copies A
// as a ^ 0x80 = a + 128 (unsigned) and accumulates sum_k (a + 128) * b. Pack stores
//   bias'[n] = bias[n] - 128 * sum_k B[n][k]
// so acc = bias' + sum (a + 128) b = bias + sum a b. Every add wraps modulo 2^32 (vpdpbusd is
// non-saturating; its four products, each in [-255*128, 255*127], and their sum fit int32 before
// the wrapping accumulate), and the true result fits int32 by the contract, hence it is exact.
// Padding contributes 0: padded B bytes are 0 (whatever the padded A bytes hold).
//
// Register blocking: 24 accumulators (8 rows x 3 zmm), 3 B vectors loaded once per group and
// reused by 8 rows, one broadcast (vpbroadcastd from memory: a load, no ALU uop) of A reused by
// 3 vpdpbusd: per group 11 loads and 24 vpdpbusd, at 2 vpdpbusd per cycle. 8 x 48 beat 6 x 64
// by 3-15 % here: M = 128 and 384 leave no row tail, and a 48-channel panel of K = 768 (36 KB)
// fits L1 where a 64-channel one (48 KB) did not. Tile order: panel outer, rows inner, so a
// panel stays in L1/L2 while every row block streams past it; A (M x K) is re-read per panel
// from L2. (A software prefetch of the next panel was tried and gained nothing: the hardware
// prefetcher follows the contiguous panels.) The epilogue runs on the accumulators in
// registers, with requant's AVX-512 rule (ops/requant/requant_avx512_inl.h).
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/gemm_s8/gemm_s8_epilogue_avx512_inl.h"
#include "ops/requant/requant_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kNr = kAvx512VnniNr;
constexpr size_t kMr = kAvx512VnniMr;
static_assert(kMr <= 8 && kNr % 16 == 0 && kNr <= 64, "the tile macros cover 8 rows x 4 zmm");

size_t Groups(size_t k) { return (k + 3) / 4; }
size_t PanelBytes(size_t k) { return GemmPanelBytesAvx512Vnni(k); }

__mmask16 LaneMask(size_t valid) {
  return valid >= 16 ? __mmask16(0xffff) : __mmask16((1u << valid) - 1);
}

inline int32_t Load4(const uint8_t* p) {  // memcpy: no aliasing or alignment assumption
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// One row of the tile: broadcast A's 4 bytes (made unsigned), vpdpbusd against C vectors of B.
// Named accumulators rather than an array: GCC 12 keeps an __m512i array on the stack and
// reloads it every group, which halves the throughput.
#define INTFORMER_VNNI_ROW(r, av)                                                         \
  if constexpr (R > r) {                                                                  \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, av, b0);                                       \
    if constexpr (C > 1) c##r##1 = _mm512_dpbusd_epi32(c##r##1, av, b1);                  \
    if constexpr (C > 2) c##r##2 = _mm512_dpbusd_epi32(c##r##2, av, b2);                  \
    if constexpr (C > 3) c##r##3 = _mm512_dpbusd_epi32(c##r##3, av, b3);                  \
  }
#define INTFORMER_VNNI_GROUP(LOAD_A)                                                      \
  {                                                                                       \
    const __m512i b0 = _mm512_load_si512(bp);                                             \
    const __m512i b1 = C > 1 ? _mm512_load_si512(bp + 64) : b0;                           \
    const __m512i b2 = C > 2 ? _mm512_load_si512(bp + 128) : b0;                          \
    const __m512i b3 = C > 3 ? _mm512_load_si512(bp + 192) : b0;                         \
    INTFORMER_VNNI_ROW(0, LOAD_A(0))                                                      \
    INTFORMER_VNNI_ROW(1, LOAD_A(1))                                                      \
    INTFORMER_VNNI_ROW(2, LOAD_A(2))                                                      \
    INTFORMER_VNNI_ROW(3, LOAD_A(3))                                                      \
    INTFORMER_VNNI_ROW(4, LOAD_A(4))                                                      \
    INTFORMER_VNNI_ROW(5, LOAD_A(5))                                                      \
    INTFORMER_VNNI_ROW(6, LOAD_A(6))                                                      \
    INTFORMER_VNNI_ROW(7, LOAD_A(7))                                                      \
  }

// R rows x C zmm columns (16 channels each) of one panel, full K, then the epilogue. `a` is the
// unsigned copy of A made by PackA (rows of lda bytes, K padded to whole groups).
template <int R, int C>
void Tile(const uint8_t* a, size_t lda, size_t k, const int8_t* panel, const Epi& e, size_t n0,
          size_t valid, char* c, size_t ldc_bytes) {
  static_assert(R >= 1 && R <= 8 && C >= 1 && C <= 4, "tile");
  const __m512i bias0 = _mm512_load_si512(panel);
  const __m512i bias1 = C > 1 ? _mm512_load_si512(panel + 64) : bias0;
  const __m512i bias2 = C > 2 ? _mm512_load_si512(panel + 128) : bias0;
  const __m512i bias3 = C > 3 ? _mm512_load_si512(panel + 192) : bias0;
  __m512i c00 = bias0, c01 = bias1, c02 = bias2, c03 = bias3;
  __m512i c10 = bias0, c11 = bias1, c12 = bias2, c13 = bias3;
  __m512i c20 = bias0, c21 = bias1, c22 = bias2, c23 = bias3;
  __m512i c30 = bias0, c31 = bias1, c32 = bias2, c33 = bias3;
  __m512i c40 = bias0, c41 = bias1, c42 = bias2, c43 = bias3;
  __m512i c50 = bias0, c51 = bias1, c52 = bias2, c53 = bias3;
  __m512i c60 = bias0, c61 = bias1, c62 = bias2, c63 = bias3;
  __m512i c70 = bias0, c71 = bias1, c72 = bias2, c73 = bias3;
  // Rows past R point at row 0: never read (their code is discarded by if constexpr).
  const uint8_t* a0 = a;
  const uint8_t* a1 = R > 1 ? a + lda : a;
  const uint8_t* a2 = R > 2 ? a + 2 * lda : a;
  const uint8_t* a3 = R > 3 ? a + 3 * lda : a;
  const uint8_t* a4 = R > 4 ? a + 4 * lda : a;
  const uint8_t* a5 = R > 5 ? a + 5 * lda : a;
  const uint8_t* a6 = R > 6 ? a + 6 * lda : a;
  const uint8_t* a7 = R > 7 ? a + 7 * lda : a;
  const int8_t* bp = panel + kNr * 4;
  const size_t groups = Groups(k);
  size_t off = 0;
  for (size_t g = 0; g < groups; ++g, bp += kNr * 4, off += 4) {
#define INTFORMER_VNNI_LOAD_A(r) _mm512_set1_epi32(Load4(a##r + off))
    INTFORMER_VNNI_GROUP(INTFORMER_VNNI_LOAD_A)
#undef INTFORMER_VNNI_LOAD_A
  }
  const __m512i acc[8][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23},
                             {c30, c31, c32, c33}, {c40, c41, c42, c43}, {c50, c51, c52, c53},
                             {c60, c61, c62, c63}, {c70, c71, c72, c73}};
  for (int j = 0; j < C; ++j) {
    const size_t col = 16 * static_cast<size_t>(j);
    const __mmask16 mask = LaneMask(valid - col);
    __m512i mult = _mm512_setzero_si512(), shift = _mm512_setzero_si512();
    if (e.output != GemmOutput::kS32) LoadScale16(e, n0 + col, mask, &mult, &shift);
    for (int r = 0; r < R; ++r) Store16(e, acc[r][j], mult, shift, n0 + col, mask, c + r * ldc_bytes);
  }
}
#undef INTFORMER_VNNI_GROUP
#undef INTFORMER_VNNI_ROW

using TileFn = void (*)(const uint8_t*, size_t, size_t, const int8_t*, const Epi&, size_t, size_t,
                        char*, size_t);

template <int R>
constexpr TileFn TileFor(int cols) {
  return cols == 1 ? Tile<R, 1> : cols == 2 ? Tile<R, 2> : cols == 3 ? Tile<R, 3> : Tile<R, 4>;
}

TileFn SelectTile(size_t rows, size_t cols) {
  static constexpr TileFn kTiles[8][kNr / 16] = {
#define INTFORMER_VNNI_TILE_ROW(r) {TileFor<r>(1), TileFor<r>(2), TileFor<r>(kNr / 16)}
      INTFORMER_VNNI_TILE_ROW(1), INTFORMER_VNNI_TILE_ROW(2), INTFORMER_VNNI_TILE_ROW(3),
      INTFORMER_VNNI_TILE_ROW(4), INTFORMER_VNNI_TILE_ROW(5), INTFORMER_VNNI_TILE_ROW(6),
      INTFORMER_VNNI_TILE_ROW(7), INTFORMER_VNNI_TILE_ROW(8),
#undef INTFORMER_VNNI_TILE_ROW
  };
  return kTiles[rows - 1][cols - 1];
}

// A + 128 (a ^ 0x80), rows padded to whole groups of 4, in a buffer owned by the calling thread.
// Doing the flip once per call instead of once per broadcast (a vpxord beside each group's six
// broadcasts) lifts the micro-kernel from ~77 % to ~95 % of the vpdpbusd ceiling on Zen 5. The
// buffer grows to the largest M x K a thread has seen and is then reused (no further allocation).
const uint8_t* PackA(const int8_t* a, size_t lda, size_t m, size_t k, size_t* row_bytes) {
  thread_local std::vector<uint8_t> buffer;
  const size_t kp = Groups(k) * 4;
  if (buffer.size() < m * kp) buffer.resize(m * kp);
  uint8_t* dst = buffer.data();
  for (size_t r = 0; r < m; ++r, dst += kp) {
    const int8_t* src = a + r * lda;
    for (size_t i = 0; i < k; ++i) dst[i] = static_cast<uint8_t>(src[i]) ^ 0x80u;
    for (size_t i = k; i < kp; ++i) dst[i] = 0x80u;  // times B's zero padding: contributes 0
  }
  *row_bytes = kp;
  return buffer.data();
}

}  // namespace

void GemmComputeAvx512Vnni(const GemmArgs& args) {
  const Epi e = MakeEpi(*args.epilogue);
  const size_t out_size = e.output == GemmOutput::kS8Requant ? 1 : 4;
  const size_t ldc_bytes = args.ldc * out_size;
  const int8_t* packed = static_cast<const int8_t*>(args.packed_b);
  size_t lda;
  const uint8_t* a = PackA(args.a, args.lda, args.m, args.k, &lda);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const size_t cols = (valid + 15) / 16;
    const int8_t* panel = packed + n0 / kNr * PanelBytes(args.k);
    for (size_t m0 = 0; m0 < args.m; m0 += kMr) {
      const size_t rows = args.m - m0 < kMr ? args.m - m0 : kMr;
      SelectTile(rows, cols)(a + m0 * lda, lda, args.k, panel, e, n0, valid,
                             static_cast<char*>(args.c) + m0 * ldc_bytes, ldc_bytes);
    }
  }
}

}  // namespace intformer
