// Embedding row sum on xsimd batches, bit-exact with embedding_ref.cc: int8 rows widened by
// xsimd's converting load, each term through RequantBatch (clamped to int32 = Sat32), then
// xsimd's saturating int32 adds in the ref's order. Include only from a TU compiled for Arch.
#ifndef INTFORMER_OPS_EMBEDDING_EMBEDDING_XSIMD_H_
#define INTFORMER_OPS_EMBEDDING_EMBEDDING_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include "ops/embedding/embedding.h"
#include "ops/requant/requant_xsimd.h"

namespace intformer {

// W: int8_t (a table row) or int32_t (a gathered NF4 row; dst may be that row: each batch is
// loaded before its lanes are stored).
template <class Arch, class W>
void EmbeddingSumRowsXsimd(const W* word_row, const int8_t* pos_row, const int8_t* type_row,
                           int32_t* dst, size_t hidden, const EmbeddingParams& p) {
  using B = xsimd::batch<int32_t, Arch>;
  constexpr size_t kLanes = B::size;
  const size_t vec_end = hidden - hidden % kLanes;
  for (size_t h = 0; h < vec_end; h += kLanes) {
    B v = xsimd::sadd(RequantBatch<Arch>(B::load_unaligned(word_row + h), p.word.scale, INT32_MIN, INT32_MAX),
                      RequantBatch<Arch>(B::load_unaligned(pos_row + h), p.pos.scale, INT32_MIN, INT32_MAX));
    if (type_row != nullptr) {
      v = xsimd::sadd(v, RequantBatch<Arch>(B::load_unaligned(type_row + h), p.type.scale, INT32_MIN,
                                            INT32_MAX));
    }
    v.store_unaligned(dst + h);
  }
  if (vec_end < hidden) {
    EmbeddingSumRowsRef(word_row + vec_end, pos_row + vec_end,
                        type_row != nullptr ? type_row + vec_end : nullptr, dst + vec_end,
                        hidden - vec_end, p);
  }
}

}  // namespace intformer

#endif  // INTFORMER_OPS_EMBEDDING_EMBEDDING_XSIMD_H_
