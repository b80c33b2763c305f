// Loading: every tensor the config implies is fetched with its expected shape, so a checkpoint
// that disagrees with its config.json fails here with kShapeMismatch / kMissingTensor.
#include "tools/reference/reference_model.h"

namespace intformer {
namespace reference {
namespace {

using convert::CheckpointReader;
using convert::FloatTensor;

Status FetchInto(const CheckpointReader& ck, const std::string& name,
                 const std::vector<int64_t>& shape, std::vector<float>* out) {
  Result<FloatTensor> t = ck.Fetch(name, shape);
  if (!t.ok()) return t.status();
  *out = std::move(t.value().data);
  return Status::Ok();
}

// An HF nn.Linear: weight [out, in], bias [out]; stored transposed.
Status FetchLinear(const CheckpointReader& ck, const std::string& prefix, int in, int out,
                   Linear* lin) {
  std::vector<float> w;
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, prefix + ".weight", {out, in}, &w));
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, prefix + ".bias", {out}, &lin->b));
  lin->in = in;
  lin->out = out;
  lin->wt.assign(static_cast<size_t>(in) * out, 0.0f);
  for (int o = 0; o < out; ++o) {
    for (int k = 0; k < in; ++k) lin->wt[static_cast<size_t>(k) * out + o] = w[static_cast<size_t>(o) * in + k];
  }
  return Status::Ok();
}

Status FetchLayerNorm(const CheckpointReader& ck, const std::string& prefix, int n, LayerNormW* ln) {
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, prefix + ".weight", {n}, &ln->gamma));
  return FetchInto(ck, prefix + ".bias", {n}, &ln->beta);
}

}  // namespace

const char* SiteName(Site s) {
  static const char* const kNames[] = {
      "embedding_sum", "embedding_out", "query",      "key",          "value",
      "scores",        "probs",         "context",    "attention_out", "attention_residual",
      "attention_ln_out", "ffn1_out",   "gelu_out",   "ffn2_out",     "ffn_residual",
      "layer_out",     "pooler_in",     "pooler_pre_tanh", "pooler_out", "logits"};
  return kNames[static_cast<int>(s)];
}

Result<ReferenceModel> ReferenceModel::Load(const std::string& model_dir) {
  Result<convert::HfConfig> cfg = convert::LoadHfConfig(model_dir);
  if (!cfg.ok()) return cfg.status();
  Result<CheckpointReader> ck = CheckpointReader::Open(model_dir);
  if (!ck.ok()) return ck.status();
  return FromCheckpoint(cfg.value(), ck.value());
}

Result<ReferenceModel> ReferenceModel::FromCheckpoint(const convert::HfConfig& c,
                                                      const CheckpointReader& ck) {
  ReferenceModel m;
  m.config_ = c;
  const int H = c.hidden_size, I = c.intermediate_size;
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, "embeddings.word_embeddings.weight", {c.vocab_size, H}, &m.word_));
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, "embeddings.position_embeddings.weight",
                                      {c.max_position_embeddings, H}, &m.position_));
  INTFORMER_RETURN_IF_ERROR(FetchInto(ck, "embeddings.token_type_embeddings.weight",
                                      {c.type_vocab_size, H}, &m.token_type_));
  INTFORMER_RETURN_IF_ERROR(FetchLayerNorm(ck, "embeddings.LayerNorm", H, &m.emb_ln_));
  m.layers_.resize(static_cast<size_t>(c.num_layers));
  for (int l = 0; l < c.num_layers; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    LayerWeights& w = m.layers_[static_cast<size_t>(l)];
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "attention.self.query", H, H, &w.q));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "attention.self.key", H, H, &w.k));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "attention.self.value", H, H, &w.v));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "attention.output.dense", H, H, &w.attn_out));
    INTFORMER_RETURN_IF_ERROR(FetchLayerNorm(ck, p + "attention.output.LayerNorm", H, &w.attn_ln));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "intermediate.dense", H, I, &w.ffn1));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, p + "output.dense", I, H, &w.ffn2));
    INTFORMER_RETURN_IF_ERROR(FetchLayerNorm(ck, p + "output.LayerNorm", H, &w.ffn_ln));
  }
  // Heads: whichever the checkpoint holds. A RoBERTa classifier's dense layer plays the pooler's
  // part (same shape, same tanh), so both map onto pooler_ + classifier_.
  const int L = c.num_labels;
  if (ck.Has("classifier.out_proj.weight")) {
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, "classifier.dense", H, H, &m.pooler_));
    INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, "classifier.out_proj", H, L, &m.classifier_));
  } else {
    if (ck.Has("pooler.dense.weight")) {
      INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, "pooler.dense", H, H, &m.pooler_));
    }
    if (ck.Has("classifier.weight")) {
      if (!m.has_pooler()) {
        return Status(convert::StatusCode::kMissingTensor,
                      ck.path() + ": classifier.weight without pooler.dense.weight");
      }
      INTFORMER_RETURN_IF_ERROR(FetchLinear(ck, "classifier", H, L, &m.classifier_));
    }
  }
  return m;
}

}  // namespace reference
}  // namespace intformer
