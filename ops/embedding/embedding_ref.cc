// Normative embedding sum (embedding.h) and the validating gather shared by every variant.
#include "ops/embedding/embedding.h"

namespace intformer {
namespace {

inline int32_t SatAdd(int32_t a, int32_t b) { return SaturateS32(int64_t{a} + b); }

inline bool InRange(int32_t id, size_t rows) {
  return id >= 0 && static_cast<uint64_t>(id) < rows;
}

// word_row[h] is read before dst[h] is written, so dst may be the word row.
template <class W>
void SumRows(const W* word_row, const int8_t* pos_row, const int8_t* type_row, int32_t* dst,
             size_t hidden, const EmbeddingParams& p) {
  for (size_t h = 0; h < hidden; ++h) {
    int32_t v = SatAdd(SaturateS32(RequantRaw(word_row[h], p.word.scale)),
                       SaturateS32(RequantRaw(pos_row[h], p.pos.scale)));
    if (type_row != nullptr) v = SatAdd(v, SaturateS32(RequantRaw(type_row[h], p.type.scale)));
    dst[h] = v;
  }
}

}  // namespace

void EmbeddingSumRowsRef(const int8_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                         int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  SumRows(word_row, pos_row, type_row, dst, hidden, p);
}

void EmbeddingSumRowsRef(const int32_t* word_row, const int8_t* pos_row, const int8_t* type_row,
                         int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  SumRows(word_row, pos_row, type_row, dst, hidden, p);
}

EmbeddingResult EmbeddingGatherSum(const int32_t* word_ids, const int32_t* pos_ids,
                                   const int32_t* type_ids, size_t tokens, int32_t* dst,
                                   const EmbeddingParams& p, const EmbeddingKernel* kernel) {
  EmbeddingResult r;
  const bool has_type = p.type.data != nullptr;
  if (p.hidden == 0 || p.word.data == nullptr || p.pos.data == nullptr ||
      (has_type && p.type.rows == 0) || (tokens > 0 && (word_ids == nullptr || pos_ids == nullptr)) ||
      !DyadicValid(p.word.scale) || !DyadicValid(p.pos.scale) ||
      (has_type && !DyadicValid(p.type.scale))) {
    r.status = EmbeddingStatus::kBadParams;
    return r;
  }
  // Validate everything first: no row is read and dst is not written unless every id is good.
  for (size_t t = 0; t < tokens; ++t) {
    r.token = t;
    if (!InRange(word_ids[t], p.word.rows)) r.status = EmbeddingStatus::kBadWordId;
    else if (!InRange(pos_ids[t], p.pos.rows)) r.status = EmbeddingStatus::kBadPosId;
    else if (has_type && type_ids != nullptr && !InRange(type_ids[t], p.type.rows))
      r.status = EmbeddingStatus::kBadTypeId;
    if (!r.ok()) return r;
  }
  r.token = 0;
  const EmbeddingKernel& k = kernel != nullptr ? *kernel : GetEmbeddingKernel();
  const size_t hd = p.hidden;
  for (size_t t = 0; t < tokens; ++t) {
    const int8_t* type_row = nullptr;
    if (has_type) type_row = p.type.data + (type_ids != nullptr ? size_t(type_ids[t]) : 0) * hd;
    k.sum_rows(p.word.data + size_t(word_ids[t]) * hd, p.pos.data + size_t(pos_ids[t]) * hd,
               type_row, dst + t * hd, hd, p);
  }
  return r;
}

}  // namespace intformer
