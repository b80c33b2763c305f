// embedding: int8 table gathers summed into int32 at one common scale (the encoder's first op).
//
//   dst[t][h] = SatAdd(SatAdd(Requant(word[id_t][h], dw), Requant(pos[p_t][h], dp)),
//                      Requant(type[tt_t][h], dt))
//
// Each table is symmetric int8 [rows x hidden] with its own real scale; dw, dp, dt ~= S_table / S_c
// (tools/offline/add_params.h picks S_c = the finest table scale and requires every ratio
// <= 2^22, so each term is at most 2^29 + 1 in magnitude and the sum never saturates; SatAdd is
// there so any Dyadic gives a defined, variant-independent result). The type table is optional:
// BERT has 2 rows, RoBERTa 1 (type ids may then be omitted: row 0 for every token), DistilBERT
// none (type.data == nullptr: no third term).
//
// Ids are user data. EmbeddingGatherSum validates every id before reading any table row and
// reports the first bad token instead of reading out of bounds; dst is untouched on failure.
#ifndef INTFORMER_OPS_EMBEDDING_EMBEDDING_H_
#define INTFORMER_OPS_EMBEDDING_EMBEDDING_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

struct EmbeddingTable {
  const int8_t* data = nullptr;  // [rows x hidden], row-major
  size_t rows = 0;
  Dyadic scale = kDyadicOne;     // S_table / S_c
};

struct EmbeddingParams {
  size_t hidden = 0;
  EmbeddingTable word, pos, type;  // type.data == nullptr: no type term
};

// One token's three rows (type_row may be nullptr) -> dst[hidden]. The kernel a variant provides.
// sum_rows_s32 is the same rule with the word row already an int32 row (an NF4 word table
// gathered through its integer levels, models/bert/nf4_weights.cc); dst may be that row.
struct EmbeddingKernel {
  const char* name;
  Isa isa;
  void (*sum_rows)(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                   int32_t* dst, size_t hidden, const EmbeddingParams& p);
  void (*sum_rows_s32)(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                       int32_t* dst, size_t hidden, const EmbeddingParams& p);
};

extern const EmbeddingKernel kEmbeddingKernels[];
extern const size_t kEmbeddingKernelCount;
const EmbeddingKernel& GetEmbeddingKernel();

void EmbeddingSumRowsRef(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                         int32_t* dst, size_t hidden, const EmbeddingParams& p);
void EmbeddingSumRowsRef(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                         int32_t* dst, size_t hidden, const EmbeddingParams& p);

enum class EmbeddingStatus : uint8_t {
  kOk = 0,
  kBadWordId,  // id < 0 or id >= word.rows
  kBadPosId,
  kBadTypeId,
  kBadParams,  // a table missing, hidden == 0
};

// The status of a call and, unless kOk / kBadParams, the index of the first bad token.
struct EmbeddingResult {
  EmbeddingStatus status = EmbeddingStatus::kOk;
  size_t token = 0;
  bool ok() const { return status == EmbeddingStatus::kOk; }
};

// dst[tokens x hidden]. type_ids may be nullptr (row 0 for every token) when p.type.data is set;
// it is ignored when p.type.data is nullptr. Uses `kernel` (GetEmbeddingKernel() by default).
EmbeddingResult EmbeddingGatherSum(const int32_t* word_ids, const int32_t* pos_ids,
                                   const int32_t* type_ids, size_t tokens, int32_t* dst,
                                   const EmbeddingParams& p, const EmbeddingKernel* kernel = nullptr);

}  // namespace intformer

#endif  // INTFORMER_OPS_EMBEDDING_EMBEDDING_H_
