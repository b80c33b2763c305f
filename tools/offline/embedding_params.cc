#include "tools/offline/embedding_params.h"

#include <cmath>

#include "tools/offline/add_params.h"

namespace intformer {
namespace offline {

double EmbeddingScales(double s_word, double s_pos, double s_type, EmbeddingParams* p,
                       std::string* why) {
  const double s[3] = {s_word, s_pos, s_type};
  Dyadic d[3];
  double common = 0;
  if (!CommonScale(s, s_type > 0 ? 3 : 2, std::ldexp(1.0, 22), &common, d, why)) return 0;
  p->word.scale = d[0];
  p->pos.scale = d[1];
  if (s_type > 0) p->type.scale = d[2];
  return common;
}

}  // namespace offline
}  // namespace intformer
