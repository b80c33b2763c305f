// gemm_s8 for aarch64 with the dot-product extension (armv8.2 dotprod: sdot), pack format
// kPackNeonDot. Compiled with -march=armv8.2-a+dotprod on this file only.
//
// Exactness: sdot adds four exact int8 x int8 products to an int32 lane with a wrapping
// (non-saturating) add, i.e. the int32 arithmetic of every gemm_s8 variant (gemm_s8.h), so the
// result equals ref's for every input.
//
// Tile: 4 rows x 16 columns, K in steps of 4 inside 16-value chunks of A. Each int32x4
// accumulator holds 4 adjacent columns of one row, so no horizontal reduction is needed: per
// 4 values of K, one B vector (4 columns x 4 k) meets one 4-byte lane of the A row (sdot by
// element), 16 sdot per 4 B loads. 16 accumulators + 4 A + 4 B registers fit the 32 of aarch64.
//
// Packed layout kPackNeonDot (stable; model files may store it), for each block of 16 columns:
//   int32 bias[16]                                   (zero for padding columns past n)
//   int8  b[4 * ceil(k/16)][16 columns][4 k]         (k in groups of 4; zero past k and n)
#include <arm_neon.h>

#include <cstring>

#include "ops/gemm_s8/gemm_s8_arm_inl.h"
#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {
namespace {

constexpr size_t kNr = kGemmNeonDotNr;
constexpr size_t kKc = kGemmNeonDotKc;  // A is read 16 values at a time
constexpr int kMr = 4;

size_t BlockBytes(size_t k) { return GemmBlockBytesNeonDot(k); }

// One group of 4 k values: lane kLane of every A row against the 4 B vectors.
template <int kRows, int kLane>
inline void DotGroup(int32x4_t acc[][4], const int8x16_t a[], const int8_t* pb) {
  int8x16_t b[4];
  for (int v = 0; v < 4; ++v) b[v] = vld1q_s8(pb + 16 * v);
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < 4; ++v) acc[r][v] = vdotq_laneq_s32(acc[r][v], b[v], a[r], kLane);
  }
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
    int32x4_t acc[kRows][4];
    for (int r = 0; r < kRows; ++r) {
      for (int v = 0; v < 4; ++v) acc[r][v] = vdupq_n_s32(0);
    }
    for (size_t kc = 0; kc < k_full + has_tail; ++kc, pb += kNr * kKc) {
      int8x16_t a[kRows];
      for (int r = 0; r < kRows; ++r) a[r] = vld1q_s8(kc < k_full ? rows[r] + kc * kKc : tail[r]);
      DotGroup<kRows, 0>(acc, a, pb);
      DotGroup<kRows, 1>(acc, a, pb + 64);
      DotGroup<kRows, 2>(acc, a, pb + 128);
      DotGroup<kRows, 3>(acc, a, pb + 192);
    }
    int32_t bias[kNr];
    std::memcpy(bias, blk, sizeof(bias));
    for (size_t v = 0; v < 4 && n0 + 4 * v < args.n_end; ++v) {
      const size_t left = args.n_end - (n0 + 4 * v);
      const int32x4_t bv = vld1q_s32(bias + 4 * v);
      for (size_t r = 0; r < valid_rows; ++r) {
        GemmStore4Arm(e, vaddq_s32(bv, acc[r][v]), n0 + 4 * v, left < 4 ? left : 4,
                      c_rows + r * row_bytes);
      }
    }
  }
}

}  // namespace

void GemmComputeNeonDot(const GemmArgs& args) {
  const ArmEpilogue e = MakeArmEpilogue(*args.epilogue);
  GemmForRowBlocksArm<kMr, 1>(  // M tail: single rows
      args, e.out_size,
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<kMr>(args, e, r, rows, c); },
      [&](const int8_t* const* r, size_t rows, char* c) { Tile<1>(args, e, r, rows, c); });
}

}  // namespace intformer
