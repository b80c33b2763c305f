// The forward pass, one sequence at a time over its padded length (padded keys get -10000 before
// the softmax, so they contribute exactly 0 and sequences of any padding give the same logits).
#include <cmath>
#include <string>

#include "tools/reference/float_ops.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace reference {

using convert::ModelType;
using convert::StatusCode;

Status ReferenceModel::CheckInput(const EncoderInput& in) const {
  const auto& c = config_;
  const size_t n = static_cast<size_t>(in.batch) * static_cast<size_t>(in.seq_len);
  if (in.batch <= 0 || in.seq_len <= 0 || in.input_ids.size() != n ||
      (!in.attention_mask.empty() && in.attention_mask.size() != n) ||
      (!in.token_type_ids.empty() && in.token_type_ids.size() != n)) {
    return Status(StatusCode::kShapeMismatch, "input: ids/mask/types must hold batch*seq_len entries");
  }
  const int max_pos = c.model_type == ModelType::kRoberta
                          ? c.max_position_embeddings - c.pad_token_id - 1
                          : c.max_position_embeddings;
  if (in.seq_len > max_pos) {
    return Status(StatusCode::kShapeMismatch, "input: seq_len " + std::to_string(in.seq_len) +
                                                  " exceeds the " + std::to_string(max_pos) +
                                                  " positions of the model");
  }
  for (size_t i = 0; i < n; ++i) {
    if (in.input_ids[i] < 0 || in.input_ids[i] >= c.vocab_size) {
      return Status(StatusCode::kOffsetOutOfRange, "input: token id " + std::to_string(in.input_ids[i]) +
                                                       " outside the vocabulary");
    }
    if (!in.token_type_ids.empty() &&
        (in.token_type_ids[i] < 0 || in.token_type_ids[i] >= c.type_vocab_size)) {
      return Status(StatusCode::kOffsetOutOfRange, "input: token type id out of range");
    }
  }
  return Status::Ok();
}

Result<EncoderOutput> ReferenceModel::Forward(const EncoderInput& in,
                                              const ActivationObserver& observer) const {
  INTFORMER_RETURN_IF_ERROR(CheckInput(in));
  const int B = in.batch, T = in.seq_len, H = config_.hidden_size, L = config_.num_labels;
  EncoderOutput out;
  out.last_hidden.resize(static_cast<size_t>(B) * T * H);
  if (has_pooler() && config_.model_type == ModelType::kBert) out.pooled.resize(static_cast<size_t>(B) * H);
  if (has_classifier()) out.logits.resize(static_cast<size_t>(B) * L);
  const std::vector<uint8_t> ones(static_cast<size_t>(T), 1);
  const std::vector<int32_t> zeros(static_cast<size_t>(T), 0);
  for (int b = 0; b < B; ++b) {
    const size_t o = static_cast<size_t>(b) * T;
    ForwardOne(in.input_ids.data() + o, in.attention_mask.empty() ? ones.data() : in.attention_mask.data() + o,
               in.token_type_ids.empty() ? zeros.data() : in.token_type_ids.data() + o, T, b, observer,
               out.last_hidden.data() + o * H, out.pooled.empty() ? nullptr : out.pooled.data() + static_cast<size_t>(b) * H,
               out.logits.empty() ? nullptr : out.logits.data() + static_cast<size_t>(b) * L);
  }
  return out;
}

void ReferenceModel::ForwardOne(const int32_t* ids, const uint8_t* mask, const int32_t* types, int T,
                                int seq, const ActivationObserver& obs, float* hidden_out,
                                float* pooled_out, float* logits_out) const {
  const auto& c = config_;
  const int H = c.hidden_size, I = c.intermediate_size, NH = c.num_heads, D = c.head_dim();
  auto emit = [&](Site s, int layer, int heads, int rows, int cols, const float* data) {
    if (obs) obs(ActivationView{s, layer, seq, heads, rows, cols, data, mask, T});
  };
  const size_t TH = static_cast<size_t>(T) * H;
  std::vector<float> h(TH), sum(TH), q(TH), k(TH), v(TH), ctx(TH), tmp(TH), a(TH);
  std::vector<float> f(static_cast<size_t>(T) * I);
  std::vector<float> scores(static_cast<size_t>(NH) * T * T), probs(scores.size());

  // Embeddings.
  int running = 0;  // RoBERTa: number of real tokens so far
  for (int t = 0; t < T; ++t) {
    int pos = t;
    if (c.model_type == ModelType::kRoberta) {
      running += mask[t] ? 1 : 0;
      pos = mask[t] ? running + c.pad_token_id : c.pad_token_id;
    }
    const float* w = word_.data() + static_cast<size_t>(ids[t]) * H;
    const float* p = position_.data() + static_cast<size_t>(pos) * H;
    const float* ty = token_type_.data() + static_cast<size_t>(types[t]) * H;
    for (int i = 0; i < H; ++i) sum[static_cast<size_t>(t) * H + i] = w[i] + ty[i] + p[i];
  }
  emit(Site::kEmbeddingSum, -1, 1, T, H, sum.data());
  LayerNormForward(emb_ln_, c.layer_norm_eps, sum.data(), T, H, h.data());
  emit(Site::kEmbeddingOut, -1, 1, T, H, h.data());

  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  for (int l = 0; l < c.num_layers; ++l) {
    const LayerWeights& w = layers_[static_cast<size_t>(l)];
    LinearForward(w.q, h.data(), T, q.data());
    LinearForward(w.k, h.data(), T, k.data());
    LinearForward(w.v, h.data(), T, v.data());
    emit(Site::kQuery, l, 1, T, H, q.data());
    emit(Site::kKey, l, 1, T, H, k.data());
    emit(Site::kValue, l, 1, T, H, v.data());
    for (int hd = 0; hd < NH; ++hd) {
      for (int i = 0; i < T; ++i) {
        const float* qi = q.data() + static_cast<size_t>(i) * H + hd * D;
        float* srow = scores.data() + (static_cast<size_t>(hd) * T + i) * T;
        for (int j = 0; j < T; ++j) {
          const float* kj = k.data() + static_cast<size_t>(j) * H + hd * D;
          float dot = 0;
          for (int d = 0; d < D; ++d) dot += qi[d] * kj[d];
          srow[j] = dot * scale;
        }
      }
    }
    emit(Site::kScores, l, NH, T, T, scores.data());
    for (size_t r = 0; r < static_cast<size_t>(NH) * T; ++r) {
      float* prow = probs.data() + r * T;
      const float* srow = scores.data() + r * T;
      for (int j = 0; j < T; ++j) prow[j] = srow[j] + (mask[j] ? 0.0f : -10000.0f);
      SoftmaxRow(prow, T);
    }
    emit(Site::kProbs, l, NH, T, T, probs.data());
    std::fill(ctx.begin(), ctx.end(), 0.0f);
    for (int hd = 0; hd < NH; ++hd) {
      for (int i = 0; i < T; ++i) {
        const float* prow = probs.data() + (static_cast<size_t>(hd) * T + i) * T;
        float* ci = ctx.data() + static_cast<size_t>(i) * H + hd * D;
        for (int j = 0; j < T; ++j) {
          const float pj = prow[j];
          const float* vj = v.data() + static_cast<size_t>(j) * H + hd * D;
          for (int d = 0; d < D; ++d) ci[d] += pj * vj[d];
        }
      }
    }
    emit(Site::kContext, l, 1, T, H, ctx.data());
    LinearForward(w.attn_out, ctx.data(), T, tmp.data());
    emit(Site::kAttentionOut, l, 1, T, H, tmp.data());
    for (size_t i = 0; i < TH; ++i) sum[i] = tmp[i] + h[i];
    emit(Site::kAttentionResidual, l, 1, T, H, sum.data());
    LayerNormForward(w.attn_ln, c.layer_norm_eps, sum.data(), T, H, a.data());
    emit(Site::kAttentionLnOut, l, 1, T, H, a.data());
    LinearForward(w.ffn1, a.data(), T, f.data());
    emit(Site::kFfn1Out, l, 1, T, I, f.data());
    GeluErf(f.data(), f.size());
    emit(Site::kGeluOut, l, 1, T, I, f.data());
    LinearForward(w.ffn2, f.data(), T, tmp.data());
    emit(Site::kFfn2Out, l, 1, T, H, tmp.data());
    for (size_t i = 0; i < TH; ++i) sum[i] = tmp[i] + a[i];
    emit(Site::kFfnResidual, l, 1, T, H, sum.data());
    LayerNormForward(w.ffn_ln, c.layer_norm_eps, sum.data(), T, H, h.data());
    emit(Site::kLayerOut, l, 1, T, H, h.data());
  }
  std::copy(h.begin(), h.end(), hidden_out);

  if (!has_pooler()) return;
  // Head on the first token: BERT pooler (+ classifier) or RoBERTa classifier.dense/out_proj.
  emit(Site::kPoolerIn, -1, 1, 1, H, h.data());
  std::vector<float> pooled(static_cast<size_t>(H));
  LinearForward(pooler_, h.data(), 1, pooled.data());
  emit(Site::kPoolerPreTanh, -1, 1, 1, H, pooled.data());
  for (float& x : pooled) x = std::tanh(x);
  emit(Site::kPoolerOut, -1, 1, 1, H, pooled.data());
  if (pooled_out != nullptr) std::copy(pooled.begin(), pooled.end(), pooled_out);
  if (logits_out != nullptr) {
    LinearForward(classifier_, pooled.data(), 1, logits_out);
    emit(Site::kLogits, -1, 1, 1, c.num_labels, logits_out);
  }
}

}  // namespace reference
}  // namespace intformer
