// gemm_s8 for aarch64 with the int8 matrix-multiply extension (armv8.6 i8mm: smmla), pack format
// kPackI8mm. Compiled with -march=armv8.2-a+dotprod+i8mm on this file only.
//
// Exactness: smmla multiplies a 2x8 int8 block of A by the transpose of a 2x8 block of B and
// adds the four 8-term int32 dot products to a 2x2 int32 accumulator with wrapping adds; each
// product is exact, so the result equals ref's wrapping int32 sum (gemm_s8.h) for every input.
//
// Tile: 8 rows x 8 columns as 4 x 4 blocks of 2x2, K in steps of 8: 16 smmla (512 MACs) per
// 4 A and 4 B vector loads; 16 accumulators + 8 operands fit the 32 registers. An M tail runs
// row pairs (the odd last row is computed twice, stored once).
//
// Packed layout kPackI8mm (stable; model files may store it), for each block of 8 columns:
//   int32 bias[8]                                  (zero for padding columns past n)
//   int8  b[ceil(k/8)][4 column pairs][2][8 k]     (zero past k and past n)
#include <arm_neon.h>

#include <cstring>

#include "ops/gemm_s8/gemm_s8_arm_inl.h"
#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {
namespace {

constexpr size_t kNr = kGemmI8mmNr;
constexpr size_t kKc = kGemmI8mmKc;
constexpr int kPairs = 4;  // row pairs of the full tile: kMr = 8

size_t BlockBytes(size_t k) { return GemmBlockBytesI8mm(k); }

template <int kRowPairs>
void Tile(const GemmArgs& args, const ArmEpilogue& e, const int8_t* const rows[2 * kRowPairs],
          size_t valid_rows, char* c_rows) {
  constexpr int kRows = 2 * kRowPairs;
  const size_t k_full = args.k / kKc;
  const bool has_tail = args.k % kKc != 0;
  int8_t tail[kRows][kKc];
  if (has_tail) GemmCopyATail<kRows, kKc>(rows, args.k, tail);
  const size_t block_bytes = BlockBytes(args.k);
  const size_t row_bytes = args.ldc * e.out_size;
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const int8_t* blk = static_cast<const int8_t*>(args.packed_b) + (n0 / kNr) * block_bytes;
    const int8_t* pb = blk + kNr * sizeof(int32_t);
    int32x4_t acc[kRowPairs][4];  // [row pair][column pair] = {r0c0, r0c1, r1c0, r1c1}
    for (int p = 0; p < kRowPairs; ++p) {
      for (int q = 0; q < 4; ++q) acc[p][q] = vdupq_n_s32(0);
    }
    for (size_t kc = 0; kc < k_full + has_tail; ++kc, pb += kNr * kKc) {
      int8x16_t b[4];
      for (int q = 0; q < 4; ++q) b[q] = vld1q_s8(pb + 16 * q);
      for (int p = 0; p < kRowPairs; ++p) {
        const int8_t* r0 = kc < k_full ? rows[2 * p] + kc * kKc : tail[2 * p];
        const int8_t* r1 = kc < k_full ? rows[2 * p + 1] + kc * kKc : tail[2 * p + 1];
        const int8x16_t a = vcombine_s8(vld1_s8(r0), vld1_s8(r1));
        for (int q = 0; q < 4; ++q) acc[p][q] = vmmlaq_s32(acc[p][q], a, b[q]);
      }
    }
    int32_t bias[kNr];
    std::memcpy(bias, blk, sizeof(bias));
    for (size_t h = 0; h < 2 && n0 + 4 * h < args.n_end; ++h) {  // column halves 0-3, 4-7
      const size_t left = args.n_end - (n0 + 4 * h);
      const size_t valid = left < 4 ? left : 4;
      const int32x4_t bv = vld1q_s32(bias + 4 * h);
      for (size_t r = 0; r < valid_rows; ++r) {
        const int32x4_t x = acc[r / 2][2 * h], y = acc[r / 2][2 * h + 1];
        const int32x4_t row = r % 2 == 0 ? vcombine_s32(vget_low_s32(x), vget_low_s32(y))
                                         : vcombine_s32(vget_high_s32(x), vget_high_s32(y));
        GemmStore4Arm(e, vaddq_s32(bv, row), n0 + 4 * h, valid, c_rows + r * row_bytes);
      }
    }
  }
}

}  // namespace

void GemmComputeI8mm(const GemmArgs& args) {
  const ArmEpilogue e = MakeArmEpilogue(*args.epilogue);
  GemmForRowBlocksArm<2 * kPairs, 2>(  // M tail: row pairs (smmla works on two rows)
      args, e.out_size,
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<kPairs>(args, e, r, rows, c); },
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<1>(args, e, r, rows, c); });
}

}  // namespace intformer
