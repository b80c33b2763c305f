// avx2 gemm_s8: sign-extended vpmaddwd micro-kernel, 6 rows x 16 channels, bit-exact with ref.
//
// Packed layout kPackAvx2 (stable; model files may store it). N is cut into panels of 16 output
// channels (the last one zero-padded); K into pairs (an odd K gets a zero pad). Each panel is
//   int32 bias[16]                               64 bytes
//   for each pair p: int8 [2][8][2]              32 bytes: channels 0..7 then 8..15, each
//                                                channel's B[c][2p], B[c][2p+1]
// vpmovsxbw turns each 16-byte half into 8 channels x 2 int16, the operand vpmaddwd multiplies a
// broadcast int16 pair of A against. Panels follow each other contiguously.
//
// Exactness. vpmaddwd forms a[2p]*b[2p] + a[2p+1]*b[2p+1] from int16 operands in int32: at most
// 2 * 2^14, never saturating (vpmaddubsw, the u8 x s8 form, saturates at int16 and is never
// used). vpaddd accumulates modulo 2^32; the true result fits int32 by the contract.
//
// Register blocking: 12 accumulators (6 rows x 2 ymm), 2 B vectors per pair reused by 6 rows,
// each A broadcast reused by 2 vpmaddwd. A is first copied once per call into sign-extended
// int16 pairs (one int32 per pair) so that every broadcast is a plain vpbroadcastd load. Tile
// order: panel outer, rows inner. Epilogue: requant's AVX2 rule (requant_avx2_inl.h).
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/requant/requant_avx2_inl.h"

namespace intformer {
namespace {

constexpr size_t kNr = kAvx2Nr;
constexpr size_t kMr = kAvx2Mr;
static_assert(kMr == 6 && kNr == 16, "the tile macros cover 6 rows x 2 ymm");

size_t Pairs(size_t k) { return (k + 1) / 2; }
size_t PanelBytes(size_t k) { return GemmPanelBytesAvx2(k); }

struct Epi {
  const GemmEpilogue* ep;
  __m256i lo64, hi64;
};

// Epilogue for 8 channels n .. n + valid - 1 of one row. Partial vectors use the scalar rule.
inline void Store8(const Epi& e, __m256i acc, size_t n, size_t valid, void* c_row) {
  const GemmEpilogue& ep = *e.ep;
  if (valid < 8) {
    alignas(32) int32_t tmp[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), acc);
    GemmEpilogueScalar(ep, tmp, valid, n, c_row);
    return;
  }
  if (ep.output == GemmOutput::kS32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<int32_t*>(c_row) + n), acc);
    return;
  }
  __m256i mult, shift;
  if (ep.per_channel) {
    LoadDyadic8Avx2(ep.scale + n, &mult, &shift);
  } else {
    mult = _mm256_set1_epi32(ep.scale[0].mult);
    shift = _mm256_set1_epi32(ep.scale[0].shift);
  }
  const __m256i v = RequantClampAvx2(acc, mult, shift, e.lo64, e.hi64);
  if (ep.output == GemmOutput::kS32Requant) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<int32_t*>(c_row) + n), v);
  } else {  // already clamped to [-128, 127]: the packs cannot saturate
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(static_cast<int8_t*>(c_row) + n),
                     _mm_packs_epi16(w, w));
  }
}

// Named accumulators (GCC keeps an __m256i array on the stack); rows >= R compile away.
#define INTFORMER_AVX2_ROW(r)                                                                 \
  if constexpr (R > r) {                                                                      \
    const __m256i av = _mm256_set1_epi32(a##r[p]);                                            \
    c##r##0 = _mm256_add_epi32(c##r##0, _mm256_madd_epi16(av, b0));                           \
    if constexpr (C > 1) c##r##1 = _mm256_add_epi32(c##r##1, _mm256_madd_epi16(av, b1));      \
  }

// R rows x C ymm columns (8 channels each) of one panel over all of K, then the epilogue.
// `a` holds int16 pairs of A (PackA), rows of lda int32.
template <int R, int C>
void Tile(const int32_t* a, size_t lda, size_t k, const int8_t* panel, const Epi& e, size_t n0,
          size_t valid, char* c, size_t ldc_bytes) {
  const __m256i bias0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(panel));
  const __m256i bias1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(panel + 32));
  __m256i c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
  __m256i c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
  const int32_t* a0 = a;
  const int32_t* a1 = R > 1 ? a + lda : a;
  const int32_t* a2 = R > 2 ? a + 2 * lda : a;
  const int32_t* a3 = R > 3 ? a + 3 * lda : a;
  const int32_t* a4 = R > 4 ? a + 4 * lda : a;
  const int32_t* a5 = R > 5 ? a + 5 * lda : a;
  const int8_t* bp = panel + kNr * 4;
  const size_t pairs = Pairs(k);
  for (size_t p = 0; p < pairs; ++p, bp += kNr * 2) {
    const __m256i b0 = _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(bp)));
    const __m256i b1 =
        C > 1 ? _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(bp + 16)))
              : b0;
    INTFORMER_AVX2_ROW(0)
    INTFORMER_AVX2_ROW(1)
    INTFORMER_AVX2_ROW(2)
    INTFORMER_AVX2_ROW(3)
    INTFORMER_AVX2_ROW(4)
    INTFORMER_AVX2_ROW(5)
  }
  const __m256i acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                             {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < C; ++j) {
      const size_t col = 8 * static_cast<size_t>(j);
      Store8(e, acc[r][j], n0 + col, valid - col < 8 ? valid - col : 8, c + r * ldc_bytes);
    }
  }
}
#undef INTFORMER_AVX2_ROW

using TileFn = void (*)(const int32_t*, size_t, size_t, const int8_t*, const Epi&, size_t, size_t,
                        char*, size_t);

TileFn SelectTile(size_t rows, size_t cols) {
  static constexpr TileFn kTiles[kMr][2] = {
      {Tile<1, 1>, Tile<1, 2>}, {Tile<2, 1>, Tile<2, 2>}, {Tile<3, 1>, Tile<3, 2>},
      {Tile<4, 1>, Tile<4, 2>}, {Tile<5, 1>, Tile<5, 2>}, {Tile<6, 1>, Tile<6, 2>},
  };
  return kTiles[rows - 1][cols - 1];
}

// A as sign-extended int16 pairs, one int32 per pair (an odd K pads with 0), in a buffer owned
// by the calling thread that grows to the largest M x K seen and is then reused.
const int32_t* PackA(const int8_t* a, size_t lda, size_t m, size_t k, size_t* row_pairs) {
  thread_local std::vector<int32_t> buffer;
  const size_t pairs = Pairs(k);
  if (buffer.size() < m * pairs) buffer.resize(m * pairs);
  int32_t* dst = buffer.data();
  for (size_t r = 0; r < m; ++r, dst += pairs) {
    const int8_t* src = a + r * lda;
    for (size_t p = 0; p < k / 2; ++p) {
      const uint32_t lo = static_cast<uint16_t>(int16_t{src[2 * p]});
      const uint32_t hi = static_cast<uint16_t>(int16_t{src[2 * p + 1]});
      dst[p] = static_cast<int32_t>(lo | hi << 16);
    }
    if (k % 2) dst[pairs - 1] = static_cast<uint16_t>(int16_t{src[k - 1]});
  }
  *row_pairs = pairs;
  return buffer.data();
}

}  // namespace

void GemmComputeAvx2(const GemmArgs& args) {
  Epi e;
  e.ep = args.epilogue;
  int32_t lo, hi;
  GemmClampBounds(*args.epilogue, &lo, &hi);
  e.lo64 = _mm256_set1_epi64x(lo);
  e.hi64 = _mm256_set1_epi64x(hi);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  const size_t ldc_bytes = args.ldc * out_size;
  const int8_t* packed = static_cast<const int8_t*>(args.packed_b);
  size_t lda;
  const int32_t* a = PackA(args.a, args.lda, args.m, args.k, &lda);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const int8_t* panel = packed + n0 / kNr * PanelBytes(args.k);
    for (size_t m0 = 0; m0 < args.m; m0 += kMr) {
      const size_t rows = args.m - m0 < kMr ? args.m - m0 : kMr;
      SelectTile(rows, (valid + 7) / 8)(a + m0 * lda, lda, args.k, panel, e, n0, valid,
                                        static_cast<char*>(args.c) + m0 * ldc_bytes, ldc_bytes);
    }
  }
}

}  // namespace intformer
