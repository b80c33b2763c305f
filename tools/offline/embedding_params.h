// Offline constants of the embedding sum (ops/embedding/embedding.h).
#ifndef INTFORMER_TOOLS_OFFLINE_EMBEDDING_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_EMBEDDING_PARAMS_H_

#include <string>

#include "ops/embedding/embedding.h"

namespace intformer {
namespace offline {

// Sets word/pos/type .scale of *p and returns the common scale S_c = min of the table scales
// (s_type = 0: no type table). Every ratio S_table / S_c must be <= 2^22 so that each term is
// <= 2^29 + 1 and the three-term sum stays inside int32 (embedding.h). Returns 0 with a reason
// otherwise. The word table is carried exactly when it is the finest; others round to S_c / 2.
double EmbeddingScales(double s_word, double s_pos, double s_type, EmbeddingParams* p,
                       std::string* why = nullptr);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_EMBEDDING_PARAMS_H_
