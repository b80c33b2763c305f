// neondot gemm_nf4 (AArch64 + dotprod): 4 rows x 16 channels, vqtbl1q table lookup + sdot,
// bit-exact with ref.
//
// sdot multiplies signed bytes by signed bytes, so neither A nor the levels need an offset: per
// group of 4 k, a 16-byte vector of 4 channels x 4 levels meets a row's 4 bytes (the lane form
// sdot v.4s, w.16b, a.4b[lane]); a panel's 64-byte group is four such vectors. The codes of a
// panel are decoded once per call into a thread-local buffer (vandq / vshrq -> vqtbl1q through
// the 16 levels). Per block, vrshlq by -s is ref's rounding shift (x + 2^(s-1)) >> s (computed
// without overflow) and vmlaq adds Q * mult(n, b) into int32 accumulators (every partial sum is
// below 2^31, gemm_nf4.h); the epilogue (+ bias, requant) is the scalar one.
#include <arm_neon.h>

#include <cstring>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4_variants.h"

namespace intformer {
namespace {

void DecodePanel(const Nf4Matrix& m, size_t p, int8_t* w) {
  const uint8_t* src = m.codes + p * kNf4Panel * m.k / 2;
  const int8x16_t table = vld1q_s8(kNf4Levels);
  const uint8x16_t low4 = vdupq_n_u8(0x0f);
  for (size_t j = 0; j < m.k / 8; ++j, src += 64, w += 128) {
    for (size_t q = 0; q < 4; ++q) {
      const uint8x16_t x = vld1q_u8(src + 16 * q);
      vst1q_s8(w + 16 * q, vqtbl1q_s8(table, vandq_u8(x, low4)));
      vst1q_s8(w + 64 + 16 * q, vqtbl1q_s8(table, vshrq_n_u8(x, 4)));
    }
  }
}

// R rows x 16 channels of a decoded panel.
template <int R>
void Tile(const int8_t* a, size_t lda, size_t k, const int8_t* w, const int32_t* mults,
          const Nf4Matrix& m, const GemmEpilogue& ep, size_t n0, size_t valid, char* c,
          size_t ldc_bytes) {
  const int32x4_t neg_s = vdupq_n_s32(-Nf4BlockShift(k));
  int32x4_t acc[R][4];
  for (int r = 0; r < R; ++r) {
    for (int i = 0; i < 4; ++i) acc[r][i] = vdupq_n_s32(0);
  }
  for (size_t b = 0; b < k / kNf4Block; ++b) {
    int32x4_t p[R][4];
    for (int r = 0; r < R; ++r) {
      for (int q = 0; q < 4; ++q) p[r][q] = vdupq_n_s32(0);
    }
    for (size_t g4 = 0; g4 < kNf4Block / 16; ++g4) {  // 16 k: one 16-byte load of each row
      int8x16_t av[R];
      for (int r = 0; r < R; ++r) av[r] = vld1q_s8(a + r * lda + b * kNf4Block + 16 * g4);
#define NF4_GROUP(lane)                                                     \
  {                                                                         \
    const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16);                \
    const int8x16_t w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);           \
    for (int r = 0; r < R; ++r) {                                           \
      p[r][0] = vdotq_laneq_s32(p[r][0], w0, av[r], lane);                  \
      p[r][1] = vdotq_laneq_s32(p[r][1], w1, av[r], lane);                  \
      p[r][2] = vdotq_laneq_s32(p[r][2], w2, av[r], lane);                  \
      p[r][3] = vdotq_laneq_s32(p[r][3], w3, av[r], lane);                  \
    }                                                                       \
    w += 64;                                                                \
  }
      NF4_GROUP(0) NF4_GROUP(1) NF4_GROUP(2) NF4_GROUP(3)
#undef NF4_GROUP
    }
    for (int q = 0; q < 4; ++q) {
      const int32x4_t mv = vld1q_s32(mults + b * kNf4Panel + 4 * q);
      for (int r = 0; r < R; ++r) {
        acc[r][q] = vmlaq_s32(acc[r][q], vrshlq_s32(p[r][q], neg_s), mv);
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    int32_t out[16];
    for (int i = 0; i < 4; ++i) vst1q_s32(out + 4 * i, acc[r][i]);
    for (size_t i = 0; i < valid; ++i) out[i] += m.bias != nullptr ? m.bias[n0 + i] : 0;
    GemmEpilogueScalar(ep, out, valid, n0, c + r * ldc_bytes);
  }
}

using TileFn = void (*)(const int8_t*, size_t, size_t, const int8_t*, const int32_t*,
                        const Nf4Matrix&, const GemmEpilogue&, size_t, size_t, char*, size_t);
constexpr TileFn kTiles[4] = {Tile<1>, Tile<2>, Tile<3>, Tile<4>};

}  // namespace

void Nf4GemmNeonDot(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  thread_local std::vector<int8_t> wbuf;
  thread_local std::vector<int32_t> mults;
  if (wbuf.size() < k * kNf4Panel) wbuf.resize(k * kNf4Panel);
  if (mults.size() < kb * kNf4Panel) mults.resize(kb * kNf4Panel);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  for (size_t p = args.n_begin / kNf4Panel; p * kNf4Panel < args.n_end; ++p) {
    DecodePanel(m, p, wbuf.data());
    Nf4PanelMults(m, p, mults.data());
    const size_t n0 = p * kNf4Panel;
    const size_t valid = args.n_end - n0 < kNf4Panel ? args.n_end - n0 : kNf4Panel;
    for (size_t r0 = 0; r0 < args.m; r0 += kNf4NeonDotMr) {
      const size_t rows = args.m - r0 < kNf4NeonDotMr ? args.m - r0 : kNf4NeonDotMr;
      kTiles[rows - 1](args.a + r0 * args.lda, args.lda, k, wbuf.data(), mults.data(), m,
                       *args.epilogue, n0, valid, c + r0 * args.ldc * out_size,
                       args.ldc * out_size);
    }
  }
}

}  // namespace intformer
