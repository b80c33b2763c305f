// Normative gemm_s8: the scalar definition every variant must match bit for bit.
//
// Packed layout kPackRef (stable; model files may store it):
//   int32 bias[n]                      (zeros when no bias), padded to a 64-byte multiple
//   int8  B[n][k]                      row n = output channel n, K contiguous, padded to 64 bytes
// The kernel walks it in the obvious order; nothing here is tuned.
#include <cstring>

#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {

size_t GemmPackedSizeRef(size_t n, size_t k) {
  return GemmRound64(n * sizeof(int32_t)) + GemmRound64(n * k);
}

void GemmPackRef(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                 const int32_t* bias, void* packed) {
  std::memset(packed, 0, GemmPackedSizeRef(n, k));
  int32_t* pbias = static_cast<int32_t*>(packed);
  int8_t* pb = static_cast<int8_t*>(packed) + GemmRound64(n * sizeof(int32_t));
  for (size_t j = 0; j < n; ++j) {
    pbias[j] = bias != nullptr ? bias[j] : 0;
    for (size_t kk = 0; kk < k; ++kk) pb[j * k + kk] = GemmLoadB(b, ldb, layout, j, kk);
  }
}

void GemmComputeRef(const GemmArgs& args) {
  const int32_t* pbias = static_cast<const int32_t*>(args.packed_b);
  const int8_t* pb =
      static_cast<const int8_t*>(args.packed_b) + GemmRound64(args.n * sizeof(int32_t));
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  for (size_t m = 0; m < args.m; ++m) {
    const int8_t* a_row = args.a + m * args.lda;
    void* c_row = static_cast<char*>(args.c) + m * args.ldc * out_size;
    for (size_t j = args.n_begin; j < args.n_end; ++j) {
      const int8_t* b_row = pb + j * args.k;
      int32_t acc = pbias[j];
      for (size_t kk = 0; kk < args.k; ++kk) {
        acc = GemmWrapAdd(acc, int32_t{a_row[kk]} * int32_t{b_row[kk]});
      }
      GemmEpilogueScalar(*args.epilogue, &acc, 1, j, c_row);
    }
  }
}

}  // namespace intformer
