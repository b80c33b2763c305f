// NF4 weights of the BERT schema (models/bert/schema.h, "NF4 TENSORS"): binding the QLoRA
// tensors of one matrix to a gemm_nf4 operand, and the embedding gather of an NF4 word table.
#ifndef INTFORMER_MODELS_BERT_NF4_WEIGHTS_H_
#define INTFORMER_MODELS_BERT_NF4_WEIGHTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/format_reader.h"
#include "ops/embedding/embedding.h"
#include "ops/gemm_nf4/gemm_nf4.h"
#include "runtime/status.h"

namespace intformer {
namespace bert {

// "<key>.nf4.codes" u8 [ceil(n/16)*16, k/2], "<key>.nf4.absmax_q" u8 [n, k/64],
// "<key>.nf4.absmax2" s32 [groups], "<key>.nf4.offset" i32; dq_code [256] from "nf4.dq_code";
// bias [n] or nullptr. Derives the channel reciprocals R(n) into *recip (out->recip points into
// it: keep the vector alive and unmoved-from while out is used), then validates the contract
// once (gemm_nf4.h: every block multiplier within 32767, recip[n] == R(n), ...).
Status BindNf4(const ModelFile& f, const std::string& key, size_t n, size_t k,
               const int32_t* dq_code, const int32_t* bias, std::vector<int32_t>* recip,
               Nf4Matrix* out);

// UNSUPPORTED_MODEL unless metadata "nf4.form" is i32 kNf4Form (schema.h): NF4 tensors of
// another integer form would load and compute other numbers.
Status CheckNf4Form(const ModelFile& f);

// EmbeddingGatherSum with the word term from an NF4 table [p.word.rows x hidden]: per token
// dst[h] = SatAdd(SatAdd(Requant(level * mult, dw), Requant(pos, dp)), Requant(type, dt)), the
// embedding op's rule with the exact integer level * mult (|.| < 2^22) in place of the int8
// (`kernel`'s sum_rows_s32, on the gathered row in place).
EmbeddingResult EmbeddingGatherSumNf4(const int32_t* word_ids, const int32_t* pos_ids,
                                      const int32_t* type_ids, size_t tokens, int32_t* dst,
                                      const Nf4Matrix& word, const EmbeddingParams& p,
                                      const EmbeddingKernel& kernel);

}  // namespace bert
}  // namespace intformer

#endif  // INTFORMER_MODELS_BERT_NF4_WEIGHTS_H_
