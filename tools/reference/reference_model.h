// The FP32 reference encoder: Hugging Face BertForSequenceClassification /
// RobertaForSequenceClassification (and the bare encoders) in eval mode, in plain C++. It is the
// accuracy baseline for the integer pipeline and the engine the calibrator runs: every point where
// the integer pipeline quantizes an activation is reported to an observer.
//
// Semantics (checked against PyTorch goldens, tests/tools/reference_test.cc):
//   embeddings  word[id] + position[pos] + token_type[tt], then LayerNorm. BERT pos = 0..T-1;
//               RoBERTa pos = cumsum(mask) * mask + padding_idx (pads get padding_idx, real tokens
//               padding_idx+1, ...), as HF's create_position_ids_from_input_ids.
//   layers      post-LN: h = LN(h + Wo.ctx); h = LN(h + W2.gelu(W1.h)); exact-erf GELU.
//   attention   scores = Q.K^T / sqrt(d) + (mask ? 0 : -10000) per key; softmax over keys. HF later
//               switched the additive value to finfo(float).min; both underflow exp() to exactly 0.
//   heads       BERT: pooled = tanh(Wp.h[CLS]); logits = Wc.pooled.
//               RoBERTa: logits = out_proj(tanh(dense(h[<s>]))) (no pooler).
// Padded positions are computed too (as HF does); observers get the token mask to skip them.
#ifndef INTFORMER_TOOLS_REFERENCE_REFERENCE_MODEL_H_
#define INTFORMER_TOOLS_REFERENCE_REFERENCE_MODEL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/convert/checkpoint.h"
#include "tools/convert/hf_config.h"
#include "tools/convert/status.h"

namespace intformer {
namespace reference {

using convert::Result;
using convert::Status;

// Quantization points, in the order the forward pass reaches them.
enum class Site {
  kEmbeddingSum,       // [T, H] word + position + type, LayerNorm input
  kEmbeddingOut,       // [T, H] embedding LayerNorm output (layer -1)
  kQuery,              // [T, H] all heads side by side (head h = columns h*d .. h*d+d-1)
  kKey,                // [T, H]
  kValue,              // [T, H]
  kScores,             // [heads, T, T] Q.K^T / sqrt(d), before the mask: i-Softmax's input
  kProbs,              // [heads, T, T] softmax output (masked keys exactly 0)
  kContext,            // [T, H] probs . V, heads concatenated
  kAttentionOut,       // [T, H] Wo.ctx + bo
  kAttentionResidual,  // [T, H] attention out + layer input, LayerNorm input
  kAttentionLnOut,     // [T, H]
  kFfn1Out,            // [T, I] W1.h + b1 = GELU input
  kGeluOut,            // [T, I]
  kFfn2Out,            // [T, H] W2.gelu + b2
  kFfnResidual,        // [T, H] FFN out + attention LN out, LayerNorm input
  kLayerOut,           // [T, H] final LayerNorm output of the layer
  kPoolerIn,           // [1, H] hidden state of the first token
  kPoolerPreTanh,      // [1, H] dense output = tanh input (RoBERTa: classifier.dense)
  kPoolerOut,          // [1, H] tanh output
  kLogits,             // [1, L]
};
const char* SiteName(Site s);

struct ActivationView {
  Site site;
  int layer;     // -1 outside the encoder layers
  int sequence;  // index in the batch
  int heads;     // > 1 only for kScores / kProbs
  int rows;      // per head
  int cols;
  const float* data;         // heads * rows * cols, row-major
  const uint8_t* token_mask;  // seq_len entries; for [T, .] and [heads, T, T] tensors rows
  int seq_len;                // (and, for scores/probs, columns) index tokens
};
using ActivationObserver = std::function<void(const ActivationView&)>;

struct EncoderInput {
  int batch = 0;
  int seq_len = 0;
  std::vector<int32_t> input_ids;       // batch * seq_len
  std::vector<uint8_t> attention_mask;  // batch * seq_len, 1 = real token; empty = all ones
  std::vector<int32_t> token_type_ids;  // batch * seq_len; empty = all zeros
};

struct EncoderOutput {
  std::vector<float> last_hidden;  // batch * seq_len * hidden
  std::vector<float> pooled;       // batch * hidden (BERT pooler; empty without one)
  std::vector<float> logits;       // batch * num_labels (empty for a bare encoder)
};

// y = x.W^T + b with W stored transposed ([in][out]) for the axpy-form inner loop.
struct Linear {
  int in = 0, out = 0;
  std::vector<float> wt;  // in * out
  std::vector<float> b;   // out
};
struct LayerNormW {
  std::vector<float> gamma, beta;
};
struct LayerWeights {
  Linear q, k, v, attn_out, ffn1, ffn2;
  LayerNormW attn_ln, ffn_ln;
};

class ReferenceModel {
 public:
  // config.json + the preferred weights file of an HF directory.
  static Result<ReferenceModel> Load(const std::string& model_dir);
  // A config and an already opened checkpoint (e.g. pytorch_model.bin or model.fp16.safetensors).
  static Result<ReferenceModel> FromCheckpoint(const convert::HfConfig& config,
                                               const convert::CheckpointReader& ckpt);

  const convert::HfConfig& config() const { return config_; }
  bool has_pooler() const { return !pooler_.b.empty(); }
  bool has_classifier() const { return !classifier_.b.empty(); }

  Result<EncoderOutput> Forward(const EncoderInput& in,
                                const ActivationObserver& observer = nullptr) const;

 private:
  Status CheckInput(const EncoderInput& in) const;
  void ForwardOne(const int32_t* ids, const uint8_t* mask, const int32_t* types, int T, int seq,
                  const ActivationObserver& obs, float* hidden_out, float* pooled_out,
                  float* logits_out) const;

  convert::HfConfig config_;
  std::vector<float> word_, position_, token_type_;  // [V,H], [P,H], [TV,H]
  LayerNormW emb_ln_;
  std::vector<LayerWeights> layers_;
  Linear pooler_;      // BERT pooler / RoBERTa classifier.dense; empty if absent
  Linear classifier_;  // BERT classifier / RoBERTa classifier.out_proj; empty if absent
};

}  // namespace reference
}  // namespace intformer

#endif  // INTFORMER_TOOLS_REFERENCE_REFERENCE_MODEL_H_
