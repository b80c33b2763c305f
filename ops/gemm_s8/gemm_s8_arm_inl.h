// Pieces shared by the ARM gemm_s8 kernels (gemm_s8_neon.cc, gemm_s8_neondot.cc,
// gemm_s8_i8mm.cc): the vector epilogue of four adjacent columns, the zero-padded copy of an
// A tail and the loop over row blocks. Include only from translation units compiled with NEON available; everything here has
// internal linkage, so each TU gets its own copy built under its own ISA flags.
//
// The epilogue is requant.h's rule through RequantClampNeon (bit-exact, see requant_neon_inl.h);
// column tails go through GemmEpilogueScalar, the definition itself.
#ifndef INTFORMER_OPS_GEMM_S8_GEMM_S8_ARM_INL_H_
#define INTFORMER_OPS_GEMM_S8_GEMM_S8_ARM_INL_H_

#include <arm_neon.h>

#include <cstring>

#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/requant/requant_neon_inl.h"

namespace intformer {
namespace {

// The epilogue's constants, prepared once per kernel call.
struct ArmEpilogue {
  const GemmEpilogue* ep;
  int32x4_t lo, hi;
  int32x4_t mult, neg_shift;  // the per-tensor scale, broadcast
  size_t out_size;
};

inline ArmEpilogue MakeArmEpilogue(const GemmEpilogue& ep) {
  ArmEpilogue e;
  e.ep = &ep;
  int32_t lo, hi;
  GemmClampBounds(ep, &lo, &hi);
  e.lo = vdupq_n_s32(lo);
  e.hi = vdupq_n_s32(hi);
  const bool scaled = ep.output != GemmOutput::kS32 && !ep.per_channel;
  e.mult = vdupq_n_s32(scaled ? ep.scale[0].mult : 0);
  e.neg_shift = vdupq_n_s32(scaled ? -ep.scale[0].shift : 0);
  e.out_size = ep.output == GemmOutput::kS8Requant ? 1 : 4;
  return e;
}

// Writes Epilogue(acc) for columns n0 .. n0 + valid - 1 (valid <= 4) of row `c_row`.
inline void GemmStore4Arm(const ArmEpilogue& e, int32x4_t acc, size_t n0, size_t valid,
                          void* c_row) {
  const GemmEpilogue& ep = *e.ep;
  if (valid < 4) {
    int32_t tmp[4];
    vst1q_s32(tmp, acc);
    GemmEpilogueScalar(ep, tmp, valid, n0, c_row);
    return;
  }
  if (ep.output == GemmOutput::kS32) {
    vst1q_s32(static_cast<int32_t*>(c_row) + n0, acc);
    return;
  }
  int32x4_t mult = e.mult, neg_shift = e.neg_shift;
  if (ep.per_channel) LoadDyadic4Neon(ep.scale + n0, &mult, &neg_shift);
  const int32x4_t v = RequantClampNeon(acc, mult, neg_shift, e.lo, e.hi);
  if (ep.output == GemmOutput::kS32Requant) {
    vst1q_s32(static_cast<int32_t*>(c_row) + n0, v);
  } else {
    int8_t tmp[8];
    vst1_s8(tmp, NarrowS32ToS8Neon(v, v));
    std::memcpy(static_cast<int8_t*>(c_row) + n0, tmp, 4);
  }
}

// Row pointers for a tile of `rows` valid rows out of kRows: missing rows repeat the last valid
// one (computed, never stored), so kernels need no row-count branches in their inner loops.
template <int kRows>
inline void GemmTileRows(const int8_t* a, size_t lda, size_t rows, const int8_t* out[kRows]) {
  for (int r = 0; r < kRows; ++r) {
    out[r] = a + (static_cast<size_t>(r) < rows ? r : rows - 1) * lda;
  }
}

// Copies the last k % kChunk values of each row into zero-padded kChunk-byte buffers, so the
// kernel's final K step reads whole vectors without touching memory past the row.
template <int kRows, int kChunk>
inline void GemmCopyATail(const int8_t* const rows[kRows], size_t k, int8_t tail[kRows][kChunk]) {
  const size_t k0 = k / kChunk * kChunk;
  for (int r = 0; r < kRows; ++r) {
    std::memset(tail[r], 0, kChunk);
    std::memcpy(tail[r], rows[r] + k0, k - k0);
  }
}

// The M loop of every ARM kernel: whole blocks of kMr rows go to full(rows, valid, c_rows), the
// last partial block to tail(...) in pieces of kTailRows rows (no wasted rows beyond those).
template <int kMr, int kTailRows, class Full, class Tail>
inline void GemmForRowBlocksArm(const GemmArgs& args, size_t out_size, Full&& full, Tail&& tail) {
  constexpr size_t kMrU = kMr, kTailU = kTailRows;
  char* c = static_cast<char*>(args.c);
  for (size_t m0 = 0; m0 < args.m; m0 += kMrU) {
    const size_t rows = args.m - m0 < kMrU ? args.m - m0 : kMrU;
    const int8_t* a = args.a + m0 * args.lda;
    char* c_rows = c + m0 * args.ldc * out_size;
    if (rows == kMrU) {
      const int8_t* r[kMr];
      GemmTileRows<kMr>(a, args.lda, rows, r);
      full(r, rows, c_rows);
      continue;
    }
    for (size_t i = 0; i < rows; i += kTailU) {
      const size_t valid = rows - i < kTailU ? rows - i : kTailU;
      const int8_t* r[kTailRows];
      GemmTileRows<kTailRows>(a + i * args.lda, args.lda, valid, r);
      tail(r, valid, c_rows + i * args.ldc * out_size);
    }
  }
}

}  // namespace
}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_S8_ARM_INL_H_
