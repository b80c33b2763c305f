// neondot gemm_nf4 (AArch64 + dotprod): 4 rows x 16 channels of sdot over W8 decoded per panel,
// bit-exact with ref.
//
// Per call and codes panel (16 channels): the doubled block ratios 2r(n, b) are computed once
// (Nf4Ratio, scalar), and the codes are decoded to W8 (gemm_nf4.h) into a thread-local buffer:
// vqtbl1q through the 16 levels, widened to int16 (vmovl), vqrdmulhq by 2r (= the contract's
// (level * r + 2^13) >> 14) and narrowed (vmovn, exact as |W8| <= 127). Every row block of 4
// then streams past the decoded panel, so the decode is paid once per panel.
//
// sdot multiplies signed bytes by signed bytes, so neither A nor W8 needs an offset: per group
// of 4 k, a 16-byte vector of 4 channels x 4 values meets a row's 4 bytes (the lane form
// sdot v.4s, w.16b, a.4b[lane]); a panel's 64-byte group is four such vectors. The accumulators
// start at bias and run over all of K: every partial sum is below 2^31 (gemm_nf4.h), so they
// end at ref's int32. The epilogue (requant) is the scalar one.
#include <arm_neon.h>

#include <vector>

#include "ops/gemm_nf4/gemm_nf4_variants.h"

namespace intformer {
namespace {

// Decodes panel p to W8 into `w`: per group of 4 k, 64 bytes (channel c's 4 values at 4c).
void DecodePanel(const Nf4Matrix& m, size_t p, const int16_t* ratios, int8_t* w) {
  const uint8_t* src = m.codes + p * kNf4Panel * m.k / 2;
  const int8x16_t table = vld1q_s8(kNf4Levels);
  const uint8x16_t low4 = vdupq_n_u8(0x0f);
  for (size_t b = 0; b < m.k / kNf4Block; ++b) {
    // Quarter q's 16 bytes are channels 4q .. 4q + 3, 4 bytes each: its low 8 widen to the
    // words of channels 4q, 4q + 1 and its high 8 to 4q + 2, 4q + 3, so 2r is spread to
    // [c c c c c' c' c' c'] (word zips of the quarter's 4 ratios, then dword zips).
    int16x8_t r_lo[4], r_hi[4];
    for (size_t q = 0; q < 4; ++q) {
      const int16x8_t rv = vcombine_s16(vld1_s16(ratios + b * kNf4Panel + 4 * q), vdup_n_s16(0));
      const int32x4_t pairs = vreinterpretq_s32_s16(vzip1q_s16(rv, rv));
      r_lo[q] = vreinterpretq_s16_s32(vzip1q_s32(pairs, pairs));
      r_hi[q] = vreinterpretq_s16_s32(vzip2q_s32(pairs, pairs));
    }
    for (size_t j = 0; j < kNf4Block / 8; ++j, src += 64, w += 128) {
      for (size_t q = 0; q < 4; ++q) {
        auto decode = [&](uint8x16_t nib) {
          const int8x16_t lv = vqtbl1q_s8(table, nib);
          const int16x8_t lo = vqrdmulhq_s16(vmovl_s8(vget_low_s8(lv)), r_lo[q]);
          const int16x8_t hi = vqrdmulhq_s16(vmovl_high_s8(lv), r_hi[q]);
          return vmovn_high_s16(vmovn_s16(lo), hi);
        };
        const uint8x16_t x = vld1q_u8(src + 16 * q);
        vst1q_s8(w + 16 * q, decode(vandq_u8(x, low4)));
        vst1q_s8(w + 64 + 16 * q, decode(vshrq_n_u8(x, 4)));
      }
    }
  }
}

// R rows x 16 channels of a decoded panel (start = the 16 accumulator starts).
template <int R>
void Tile(const int8_t* a, size_t lda, size_t k, const int8_t* w, const int32_t* start,
          const GemmEpilogue& ep, size_t n0, size_t valid, char* c, size_t ldc_bytes) {
  int32x4_t acc[R][4];
  for (int r = 0; r < R; ++r) {
    for (int i = 0; i < 4; ++i) acc[r][i] = vld1q_s32(start + 4 * i);
  }
  for (size_t off = 0; off < k; off += 16) {  // 16 k: one 16-byte load of each row
    int8x16_t av[R];
    for (int r = 0; r < R; ++r) av[r] = vld1q_s8(a + r * lda + off);
#define NF4_GROUP(lane)                                                 \
  {                                                                     \
    const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16);            \
    const int8x16_t w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);       \
    for (int r = 0; r < R; ++r) {                                       \
      acc[r][0] = vdotq_laneq_s32(acc[r][0], w0, av[r], lane);          \
      acc[r][1] = vdotq_laneq_s32(acc[r][1], w1, av[r], lane);          \
      acc[r][2] = vdotq_laneq_s32(acc[r][2], w2, av[r], lane);          \
      acc[r][3] = vdotq_laneq_s32(acc[r][3], w3, av[r], lane);          \
    }                                                                   \
    w += 64;                                                            \
  }
    NF4_GROUP(0) NF4_GROUP(1) NF4_GROUP(2) NF4_GROUP(3)
#undef NF4_GROUP
  }
  for (int r = 0; r < R; ++r) {
    int32_t out[16];
    for (int i = 0; i < 4; ++i) vst1q_s32(out + 4 * i, acc[r][i]);
    GemmEpilogueScalar(ep, out, valid, n0, c + r * ldc_bytes);
  }
}

using TileFn = void (*)(const int8_t*, size_t, size_t, const int8_t*, const int32_t*,
                        const GemmEpilogue&, size_t, size_t, char*, size_t);
constexpr TileFn kTiles[4] = {Tile<1>, Tile<2>, Tile<3>, Tile<4>};

}  // namespace

void Nf4GemmNeonDot(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k;
  thread_local std::vector<int8_t> wbuf;
  thread_local std::vector<int16_t> ratios;
  if (wbuf.size() < k * kNf4Panel) wbuf.resize(k * kNf4Panel);
  if (ratios.size() < k / kNf4Block * kNf4Panel) ratios.resize(k / kNf4Block * kNf4Panel);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  for (size_t p = args.n_begin / kNf4Panel; p * kNf4Panel < args.n_end; ++p) {
    Nf4PanelRatios(m, p, ratios.data());
    DecodePanel(m, p, ratios.data(), wbuf.data());
    const size_t n0 = p * kNf4Panel;
    const size_t valid = args.n_end - n0 < kNf4Panel ? args.n_end - n0 : kNf4Panel;
    int32_t start[kNf4Panel] = {};  // bias, 0 past n_end
    for (size_t i = 0; i < valid; ++i) start[i] = m.bias != nullptr ? m.bias[n0 + i] : 0;
    for (size_t r0 = 0; r0 < args.m; r0 += kNf4NeonDotMr) {
      const size_t rows = args.m - r0 < kNf4NeonDotMr ? args.m - r0 : kNf4NeonDotMr;
      kTiles[rows - 1](args.a + r0 * args.lda, args.lda, k, wbuf.data(), start, *args.epilogue,
                       n0, valid, c + r0 * args.ldc * out_size, args.ldc * out_size);
    }
  }
}

}  // namespace intformer
