// avx512vnni gemm_s8: vpdpbusd micro-kernel, 6 rows x 64 channels, bit-exact with ref.
//
// Packed layout kPackAvx512Vnni (stable; model files may store it). N is cut into panels of 64
// output channels (the last one zero-padded); K into groups of 4 (the last one zero-padded).
// Each panel is
//   int32 bias'[64]                         256 bytes
//   for each group g: int8 [64][4]          256 bytes: channel c's B[c][4g .. 4g+3], c = 0..63
// so one group is four zmm vectors of 16 channels x 4 bytes, exactly the operand vpdpbusd
// multiplies a broadcast 4-byte slice of A against. Panels follow each other contiguously.
//
// Exactness. vpdpbusd multiplies unsigned bytes by signed bytes, so A is made unsigned in the
// register (a ^ 0x80 = a + 128) and the kernel accumulates sum_k (a + 128) * b. Pack stores
//   bias'[n] = bias[n] - 128 * sum_k B[n][k]
// so acc = bias' + sum (a + 128) b = bias + sum a b. Every add wraps modulo 2^32 (vpdpbusd is
// non-saturating: its four products, each in [-128*255, 255*127], and their sum fit int32
// before the wrapping accumulate), and the true result fits int32 by the contract, hence it is
// exact. Padding contributes 0: padded B bytes are 0, and the K tail loads 0 for a (0 ^ 0x80
// = 128 times B = 0).
//
// Register blocking: 24 accumulators (6 rows x 4 zmm), 4 B vectors loaded once per group and
// reused by 6 rows, one broadcast of A reused by 4 vpdpbusd. Tile order: panel outer, rows inner,
// so a panel (K * 64 bytes) stays in L1/L2 while every row block streams past it; A (M x K) is
// re-read per panel from L2. The epilogue runs on the accumulators in registers, with requant's
// AVX-512 rule (ops/requant/requant_avx512_inl.h).
#include <immintrin.h>

#include <cstring>

#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/requant/requant_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kNr = 64;
constexpr size_t kMr = 6;

size_t Groups(size_t k) { return (k + 3) / 4; }
size_t PanelBytes(size_t k) { return kNr * 4 + Groups(k) * kNr * 4; }

__mmask16 LaneMask(size_t valid) {
  return valid >= 16 ? __mmask16(0xffff) : __mmask16((1u << valid) - 1);
}

struct Epi {
  GemmOutput output;
  bool per_channel;
  const Dyadic* scale;
  __m512i lo64, hi64;
};

// The Dyadics of 16 channels starting at n (valid lanes: mask) as a mult and a shift vector.
inline void LoadScale16(const Epi& e, size_t n, __mmask16 mask, __m512i* mult, __m512i* shift) {
  if (!e.per_channel) {
    *mult = _mm512_set1_epi32(e.scale[0].mult);
    *shift = _mm512_set1_epi32(e.scale[0].shift);
    return;
  }
  if (mask == 0xffff) {
    LoadDyadic16Avx512(e.scale + n, mult, shift);
    return;
  }
  // Tail: {mult, shift} pairs of the valid channels only; the rest read as {0, 1}.
  alignas(64) Dyadic tmp[16];
  for (size_t i = 0; i < 16; ++i) tmp[i] = (mask >> i) & 1 ? e.scale[n + i] : Dyadic{0, 1};
  LoadDyadic16Avx512(tmp, mult, shift);
}

inline void Store16(const Epi& e, __m512i acc, __m512i mult, __m512i shift, size_t n,
                    __mmask16 mask, void* c_row) {
  switch (e.output) {
    case GemmOutput::kS32:
      _mm512_mask_storeu_epi32(static_cast<int32_t*>(c_row) + n, mask, acc);
      break;
    case GemmOutput::kS32Requant:
      _mm512_mask_storeu_epi32(static_cast<int32_t*>(c_row) + n, mask,
                               RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64));
      break;
    case GemmOutput::kS8Requant:
      _mm_mask_storeu_epi8(
          static_cast<int8_t*>(c_row) + n, mask,
          _mm512_cvtepi32_epi8(RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64)));
      break;
  }
}

// R rows x C zmm columns (16 channels each) of one panel, full K, then the epilogue.
template <int R, int C>
void Tile(const int8_t* a, size_t lda, size_t k, const int8_t* panel, const Epi& e, size_t n0,
          size_t valid, char* c, size_t ldc_bytes) {
  __m512i acc[R][C];
  for (int j = 0; j < C; ++j) {
    const __m512i bias = _mm512_load_si512(panel + 64 * j);
    for (int r = 0; r < R; ++r) acc[r][j] = bias;
  }
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));
  const int8_t* bp = panel + kNr * 4;
  const size_t full = k / 4;
  for (size_t g = 0; g < full; ++g, bp += kNr * 4) {
    __m512i b[C];
    for (int j = 0; j < C; ++j) b[j] = _mm512_load_si512(bp + 64 * j);
    for (int r = 0; r < R; ++r) {
      int32_t a4;
      std::memcpy(&a4, a + r * lda + 4 * g, 4);
      const __m512i av = _mm512_xor_si512(_mm512_set1_epi32(a4), flip);
      for (int j = 0; j < C; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, b[j]);
    }
  }
  if (k % 4 != 0) {  // tail group: the missing bytes of A load as 0 (see the header)
    const __mmask16 km = static_cast<__mmask16>((1u << (k % 4)) - 1);
    __m512i b[C];
    for (int j = 0; j < C; ++j) b[j] = _mm512_load_si512(bp + 64 * j);
    for (int r = 0; r < R; ++r) {
      const __m128i a4 = _mm_maskz_loadu_epi8(km, a + r * lda + 4 * full);
      const __m512i av = _mm512_xor_si512(_mm512_broadcastd_epi32(a4), flip);
      for (int j = 0; j < C; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, b[j]);
    }
  }
  for (int j = 0; j < C; ++j) {
    const size_t off = 16 * static_cast<size_t>(j);
    const __mmask16 mask = LaneMask(valid - off);
    __m512i mult = _mm512_setzero_si512(), shift = _mm512_setzero_si512();
    if (e.output != GemmOutput::kS32) LoadScale16(e, n0 + off, mask, &mult, &shift);
    for (int r = 0; r < R; ++r) Store16(e, acc[r][j], mult, shift, n0 + off, mask, c + r * ldc_bytes);
  }
}

using TileFn = void (*)(const int8_t*, size_t, size_t, const int8_t*, const Epi&, size_t, size_t,
                        char*, size_t);

template <int R>
constexpr TileFn TileFor(int cols) {
  return cols == 1 ? Tile<R, 1> : cols == 2 ? Tile<R, 2> : cols == 3 ? Tile<R, 3> : Tile<R, 4>;
}

TileFn SelectTile(size_t rows, size_t cols) {
  static constexpr TileFn kTiles[kMr][4] = {
      {TileFor<1>(1), TileFor<1>(2), TileFor<1>(3), TileFor<1>(4)},
      {TileFor<2>(1), TileFor<2>(2), TileFor<2>(3), TileFor<2>(4)},
      {TileFor<3>(1), TileFor<3>(2), TileFor<3>(3), TileFor<3>(4)},
      {TileFor<4>(1), TileFor<4>(2), TileFor<4>(3), TileFor<4>(4)},
      {TileFor<5>(1), TileFor<5>(2), TileFor<5>(3), TileFor<5>(4)},
      {TileFor<6>(1), TileFor<6>(2), TileFor<6>(3), TileFor<6>(4)},
  };
  return kTiles[rows - 1][cols - 1];
}

}  // namespace

size_t GemmPackedSizeAvx512Vnni(size_t n, size_t k) {
  return (n + kNr - 1) / kNr * PanelBytes(k);
}

void GemmPackAvx512Vnni(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                        const int32_t* bias, void* packed) {
  std::memset(packed, 0, GemmPackedSizeAvx512Vnni(n, k));
  int8_t* panel = static_cast<int8_t*>(packed);
  for (size_t p0 = 0; p0 < n; p0 += kNr, panel += PanelBytes(k)) {
    int32_t* pbias = reinterpret_cast<int32_t*>(panel);
    int8_t* groups = panel + kNr * 4;
    for (size_t c = 0; c < kNr && p0 + c < n; ++c) {
      int32_t sum = 0;
      for (size_t kk = 0; kk < k; ++kk) {
        const int8_t v = GemmLoadB(b, ldb, layout, p0 + c, kk);
        groups[(kk / 4) * kNr * 4 + c * 4 + kk % 4] = v;
        sum += v;  // |sum| <= 128 * 2^16: no overflow
      }
      // bias - 128 * sum, wrapping (see the header comment).
      const int32_t comp = static_cast<int32_t>(static_cast<uint32_t>(sum) * 0xffffff80u);
      pbias[c] = GemmWrapAdd(bias != nullptr ? bias[p0 + c] : 0, comp);
    }
  }
}

void GemmComputeAvx512Vnni(const GemmArgs& args) {
  Epi e;
  e.output = args.epilogue->output;
  e.per_channel = args.epilogue->per_channel;
  e.scale = args.epilogue->scale;
  int32_t lo, hi;
  GemmClampBounds(*args.epilogue, &lo, &hi);
  e.lo64 = _mm512_set1_epi64(lo);
  e.hi64 = _mm512_set1_epi64(hi);
  const size_t out_size = e.output == GemmOutput::kS8Requant ? 1 : 4;
  const size_t ldc_bytes = args.ldc * out_size;
  const int8_t* packed = static_cast<const int8_t*>(args.packed_b);
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const size_t cols = (valid + 15) / 16;
    const int8_t* panel = packed + n0 / kNr * PanelBytes(args.k);
    for (size_t m0 = 0; m0 < args.m; m0 += kMr) {
      const size_t rows = args.m - m0 < kMr ? args.m - m0 : kMr;
      SelectTile(rows, cols)(args.a + m0 * args.lda, args.lda, args.k, panel, e, n0, valid,
                             static_cast<char*>(args.c) + m0 * ldc_bytes, ldc_bytes);
    }
  }
}

}  // namespace intformer
