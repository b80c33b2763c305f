// Embedding row sum, NEON instance of the xsimd template (neon64 on aarch64, neon on armv7).
#include "ops/embedding/embedding_variants.h"
#include "ops/embedding/embedding_xsimd.h"

namespace intformer {

#if INTFORMER_AARCH64
using NeonArch = xsimd::neon64;
#else
using NeonArch = xsimd::neon;
#endif

void EmbeddingSumRowsNeon(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                          int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  EmbeddingSumRowsXsimd<NeonArch>(word_row, pos_row, type_row, dst, hidden, p);
}

void EmbeddingSumRowsS32Neon(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                             int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  EmbeddingSumRowsXsimd<NeonArch>(word_row, pos_row, type_row, dst, hidden, p);
}

}  // namespace intformer
