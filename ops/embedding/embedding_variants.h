// Declarations of the per-ISA embedding variants (internal; see embedding.h for the contract).
#ifndef INTFORMER_OPS_EMBEDDING_EMBEDDING_VARIANTS_H_
#define INTFORMER_OPS_EMBEDDING_EMBEDDING_VARIANTS_H_

#include "ops/embedding/embedding.h"

namespace intformer {

void EmbeddingSumRowsAvx2(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                          int32_t* dst, size_t hidden, const EmbeddingParams& p);
void EmbeddingSumRowsAvx512(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                            int32_t* dst, size_t hidden, const EmbeddingParams& p);
void EmbeddingSumRowsNeon(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                          int32_t* dst, size_t hidden, const EmbeddingParams& p);
// The int32 word row forms (EmbeddingKernel::sum_rows_s32).
void EmbeddingSumRowsS32Avx2(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                             int32_t* dst, size_t hidden, const EmbeddingParams& p);
void EmbeddingSumRowsS32Avx512(const int32_t* word_row, const int8_t* pos_row,
                               const int8_t* type_row, int32_t* dst, size_t hidden,
                               const EmbeddingParams& p);
void EmbeddingSumRowsS32Neon(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                             int32_t* dst, size_t hidden, const EmbeddingParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_EMBEDDING_EMBEDDING_VARIANTS_H_
