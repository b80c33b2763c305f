// gemm_s8 for baseline NEON (armv7 hard-float and aarch64), pack format kPackNeon.
//
// Exactness: vmull_s8 forms 8 exact int16 products (|a*b| <= 2^14 fits int16), and vpadalq_s16
// adds adjacent pairs into int32 lanes, wrapping like every accumulator of gemm_s8 (gemm_s8.h).
// No two products are ever summed in int16 (two (-128)*(-128) would overflow it; that is why
// smlal-into-int16 schemes are not used), so the int32 result equals ref's for every input.
//
// Tile: kMr rows x 4 columns, K in steps of 16. Each (row, column) keeps an int32x4 of partial
// sums, reduced horizontally at the end; aarch64 has 32 vector registers for a 4x4 tile of
// them, armv7 only 16, hence 2x4 there. The packed layout does not depend on kMr.
//
// Packed layout kPackNeon (stable; model files may store it), for each block of 4 columns:
//   int32 bias[4]                              (zero for the padding columns past n)
//   int8  b[ceil(k/16)][4 columns][16 k]       (zero past k and past n)
#include <arm_neon.h>

#include <cstring>

#include "ops/gemm_s8/gemm_s8_arm_inl.h"
#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {
namespace {

constexpr size_t kNr = kGemmNeonNr;
constexpr size_t kKc = kGemmNeonKc;

size_t BlockBytes(size_t k) { return GemmBlockBytesNeon(k); }

// acc[c] += the 16 products of a and b[c], pairwise into int32 lanes.
inline int32x4_t MulAcc16(int32x4_t acc, int8x16_t a, int8x16_t b) {
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
  return vpadalq_s16(acc, vmull_s8(vget_high_s8(a), vget_high_s8(b)));
}

// {sum(v0), sum(v1), sum(v2), sum(v3)} with wrapping adds.
inline int32x4_t Reduce4(int32x4_t v0, int32x4_t v1, int32x4_t v2, int32x4_t v3) {
  const int32x2_t s0 = vpadd_s32(vget_low_s32(v0), vget_high_s32(v0));
  const int32x2_t s1 = vpadd_s32(vget_low_s32(v1), vget_high_s32(v1));
  const int32x2_t s2 = vpadd_s32(vget_low_s32(v2), vget_high_s32(v2));
  const int32x2_t s3 = vpadd_s32(vget_low_s32(v3), vget_high_s32(v3));
  return vcombine_s32(vpadd_s32(s0, s1), vpadd_s32(s2, s3));
}

template <int kRows>
void Tile(const GemmArgs& args, const ArmEpilogue& e, const int8_t* const rows[kRows],
          size_t valid_rows, char* c_rows) {
  const size_t k_full = args.k / kKc;
  const bool has_tail = args.k % kKc != 0;
  int8_t tail[kRows][kKc];
  if (has_tail) GemmCopyATail<kRows, kKc>(rows, args.k, tail);
  const size_t block_bytes = BlockBytes(args.k);
  const size_t row_bytes = args.ldc * e.out_size;
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const int8_t* blk = static_cast<const int8_t*>(args.packed_b) + (n0 / kNr) * block_bytes;
    const int8_t* pb = blk + kNr * sizeof(int32_t);
    int32x4_t acc[kRows][kNr];
    for (int r = 0; r < kRows; ++r) {
      for (size_t c = 0; c < kNr; ++c) acc[r][c] = vdupq_n_s32(0);
    }
    for (size_t kc = 0; kc < k_full + has_tail; ++kc, pb += kNr * kKc) {
      int8x16_t b[kNr];
      for (size_t c = 0; c < kNr; ++c) b[c] = vld1q_s8(pb + c * kKc);
      for (int r = 0; r < kRows; ++r) {
        const int8x16_t a = vld1q_s8(kc < k_full ? rows[r] + kc * kKc : tail[r]);
        for (size_t c = 0; c < kNr; ++c) acc[r][c] = MulAcc16(acc[r][c], a, b[c]);
      }
    }
    int32_t bias[kNr];
    std::memcpy(bias, blk, sizeof(bias));
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    for (size_t r = 0; r < valid_rows; ++r) {
      const int32x4_t sum =
          vaddq_s32(vld1q_s32(bias), Reduce4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]));
      GemmStore4Arm(e, sum, n0, valid, c_rows + r * row_bytes);
    }
  }
}

}  // namespace

void GemmComputeNeon(const GemmArgs& args) {
  const ArmEpilogue e = MakeArmEpilogue(*args.epilogue);
  GemmForRowBlocksArm<kGemmNeonMr, 1>(  // M tail: single rows
      args, e.out_size,
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<kGemmNeonMr>(args, e, r, rows, c); },
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<1>(args, e, r, rows, c); });
}

}  // namespace intformer
