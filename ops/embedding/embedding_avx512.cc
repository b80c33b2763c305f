// Embedding row sum, avx512 instance of the xsimd template (embedding_xsimd.h).
#include "ops/embedding/embedding_variants.h"
#include "ops/embedding/embedding_xsimd.h"

namespace intformer {

void EmbeddingSumRowsAvx512(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                            int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  EmbeddingSumRowsXsimd<xsimd::avx512bw>(word_row, pos_row, type_row, dst, hidden, p);
}

void EmbeddingSumRowsS32Avx512(const int32_t* word_row, const int8_t* pos_row,
                               const int8_t* type_row, int32_t* dst, size_t hidden,
                               const EmbeddingParams& p) {
  EmbeddingSumRowsXsimd<xsimd::avx512bw>(word_row, pos_row, type_row, dst, hidden, p);
}

}  // namespace intformer
