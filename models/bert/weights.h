// The bound form of a BERT/RoBERTa model file (models/bert/schema.h): views of the tensors in
// the file's memory (nothing copied) and every kernel's params, validated once at load so the
// forward pass can trust them.
#ifndef INTFORMER_MODELS_BERT_WEIGHTS_H_
#define INTFORMER_MODELS_BERT_WEIGHTS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/add/add.h"
#include "ops/embedding/embedding.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "ops/igelu/igelu.h"
#include "ops/ilayernorm/ilayernorm.h"
#include "ops/isoftmax/isoftmax.h"
#include "ops/requant/requant.h"

namespace intformer {
namespace bert {

// A packed gemm_s8 weight [n x k] (bias folded in) and its per-channel output dyadics.
struct GemmWeight {
  const void* packed = nullptr;
  const Dyadic* scale = nullptr;  // [n]
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
