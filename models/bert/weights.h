// The bound form of a BERT/RoBERTa model file (models/bert/schema.h): views of the tensors in
// the file's memory (nothing copied; only NF4's derived channel reciprocals are owned here) and
// every kernel's params, validated once at load so the forward pass can trust them.
#ifndef INTFORMER_MODELS_BERT_WEIGHTS_H_
#define INTFORMER_MODELS_BERT_WEIGHTS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/add/add.h"
#include "ops/embedding/embedding.h"
#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "ops/igelu/igelu.h"
#include "ops/ilayernorm/ilayernorm.h"
#include "ops/isoftmax/isoftmax.h"
#include "ops/requant/requant.h"

namespace intformer {
namespace bert {

// A packed gemm_s8 weight [n x k] (bias folded in) or an NF4 one (nf4.codes != nullptr: run by
// gemm_nf4, bias in nf4.bias), and its per-channel output dyadics.
//
// The one thing the weights own: NF4 channel reciprocals R(n), derived at load (they are not in
// the file). nf4.recip points into nf4_recip's heap buffer, which a move keeps in place; a copy
// would point into the original, so GemmWeight (and with it LayerWeights and Weights) is
// move-only. The model holds Weights through a unique_ptr and sizes layers before binding.
struct GemmWeight {
  GemmWeight() = default;
  GemmWeight(GemmWeight&&) = default;
  GemmWeight& operator=(GemmWeight&&) = default;
  GemmWeight(const GemmWeight&) = delete;
  GemmWeight& operator=(const GemmWeight&) = delete;

  const void* packed = nullptr;
  Nf4Matrix nf4;
  std::vector<int32_t> nf4_recip;  // [n] when NF4 (nf4.recip == nf4_recip.data())
  const Dyadic* scale = nullptr;   // [n]
  size_t n = 0, k = 0;
};

struct LayerWeights {
  GemmWeight qkv, attn_out, ffn1, ffn2;
  ISoftmaxParams softmax;
  Dyadic pv_scale;
  AddParams attn_add, ffn_add;
  ILayerNormParams attn_ln, ffn_ln;
  IGeluParams gelu;
};

struct Weights {
  const GemmKernel* gemm = nullptr;  // the enabled kernel of the file's pack format
  const Nf4GemmKernel* nf4_gemm = nullptr;  // dispatch's gemm_nf4 variant (NF4 files)
  Nf4Matrix word_nf4;                // NF4 word table (codes == nullptr: embed.word is int8)
  std::vector<int32_t> word_nf4_recip;  // [vocab] its R(n) (word_nf4.recip points here; Weights
                                        // is move-only through GemmWeight)
  size_t hidden = 0, heads = 0, head_dim = 0, intermediate = 0, labels = 0;
  int32_t padding_idx = -1;  // -1: BERT positions 0..T-1; else RoBERTa's cumsum positions
  EmbeddingParams embed;
  ILayerNormParams embed_ln;
  std::vector<LayerWeights> layers;
  GemmWeight pooler, classifier;
  const int8_t* tanh_lut = nullptr;  // [256]
};

}  // namespace bert
}  // namespace intformer

#endif  // INTFORMER_MODELS_BERT_WEIGHTS_H_
