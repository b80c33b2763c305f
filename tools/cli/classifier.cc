#include "tools/cli/classifier.h"

#include <algorithm>

#include "models/tokenizers/tokenizer.h"
#include "tools/offline/hf_tokenizer.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace cli {
namespace {

std::string StatusText(intformer_status s) {
  return std::string(StatusName(s)) + ": " + intformer_last_error();
}

// The integer pipeline, through the C API.
class IntClassifier : public Classifier {
 public:
  ~IntClassifier() override {
    intformer_session_destroy(session_);
    intformer_model_destroy(model_);
  }

  bool Open(const std::string& path, const ClassifierOptions& options, intformer_status* status,
            std::string* error) {
    *status = intformer_model_load(path.c_str(), &model_);
    if (*status == INTFORMER_OK) *status = intformer_model_get_info(model_, &info_);
    if (*status == INTFORMER_OK) {
      intformer_session_options o;
      intformer_session_options_init(&o);
      o.threads = options.threads;
      o.max_seq = std::min<size_t>(options.max_seq, info_.max_seq);
      *status = intformer_session_create(model_, &o, &session_);
    }
    if (*status != INTFORMER_OK) {
      *error = intformer_last_error();
      return false;
    }
    for (uint32_t i = 0; i < info_.num_labels; ++i) labels_.push_back(info_.labels[i]);
    return true;
  }

  std::string Describe() const override {
    return std::string(info_.weights) + " " + info_.architecture + " (" +
           std::to_string(info_.layers) + " layers, hidden " + std::to_string(info_.hidden) +
           "), gemm packed for " + info_.pack_format;
  }
  const std::vector<std::string>& labels() const override { return labels_; }

  bool Classify(const TextRow& row, Prediction* out, std::string* error) override {
    logits_.resize(info_.num_labels);
    out->logits.resize(info_.num_labels);
    intformer_status s = intformer_session_classify(
        session_, row.a.c_str(), row.has_b ? row.b.c_str() : nullptr, &out->label,
        logits_.data());
    if (s == INTFORMER_OK) {
      s = intformer_logits_to_float(model_, logits_.data(), logits_.size(), out->logits.data());
    }
    if (s != INTFORMER_OK) {
      *error = StatusText(s);
      return false;
    }
    return true;
  }

 private:
  intformer_model* model_ = nullptr;
  intformer_session* session_ = nullptr;
  intformer_model_info info_{};
  std::vector<std::string> labels_;
  std::vector<int32_t> logits_;
};

// The FP32 reference on a Hugging Face directory.
class ReferenceClassifier : public Classifier {
 public:
  bool Open(const std::string& dir, const ClassifierOptions& options, std::string* error) {
    auto model = reference::ReferenceModel::Load(dir);
    if (!model.ok()) {
      *error = model.status().ToString();
      return false;
    }
    if (!model->has_classifier()) {
      *error = dir + ": a bare encoder without a classification head";
      return false;
    }
    model_ = std::make_unique<reference::ReferenceModel>(std::move(model).value());
    tokenizers::TokenizerData data;
    tokenizers::Status ts = offline::LoadHfTokenizerDir(dir, &data);
    if (ts.ok()) ts = tokenizers::Tokenizer::Create(data, &tokenizer_);
    if (!ts.ok()) {
      *error = std::string(tokenizers::StatusCodeName(ts.code)) + ": " + ts.message;
      return false;
    }
    const convert::HfConfig& config = model_->config();
    labels_ = config.id2label;
    size_t limit = static_cast<size_t>(config.max_position_embeddings);
    if (config.model_type == convert::ModelType::kRoberta) limit -= 2;  // padding_idx offset
    encode_ = tokenizer_->settings().encode;
    encode_.truncation = true;
    encode_.pad_to_max_length = false;
    encode_.max_length = static_cast<int32_t>(std::min(options.max_seq, limit));
    return true;
  }

  std::string Describe() const override {
    const convert::HfConfig& c = model_->config();
    return std::string("fp32 reference ") + convert::ModelTypeName(c.model_type) + " (" +
           std::to_string(c.num_layers) + " layers, hidden " + std::to_string(c.hidden_size) +
           ")";
  }
  const std::vector<std::string>& labels() const override { return labels_; }

  bool Classify(const TextRow& row, Prediction* out, std::string* error) override {
    tokenizers::Encoding enc;
    const std::string_view b(row.b);
    tokenizers::Status ts = tokenizer_->Encode(row.a, row.has_b ? &b : nullptr, encode_, &enc);
    if (!ts.ok()) {
      *error = std::string("INTFORMER_ERROR_TOKENIZER: ") + ts.message;
      return false;
    }
    reference::EncoderInput in;
    in.batch = 1;
    in.seq_len = static_cast<int>(enc.size());
    in.input_ids = enc.ids;
    in.attention_mask = enc.attention_mask;
    in.token_type_ids = enc.type_ids;
    auto result = model_->Forward(in);
    if (!result.ok()) {
      *error = result.status().ToString();
      return false;
    }
    out->logits = result->logits;
    out->label = static_cast<size_t>(std::max_element(out->logits.begin(), out->logits.end()) -
                                     out->logits.begin());
    return true;
  }

 private:
  std::unique_ptr<reference::ReferenceModel> model_;
  std::unique_ptr<tokenizers::Tokenizer> tokenizer_;
  tokenizers::EncodeOptions encode_;
  std::vector<std::string> labels_;
};

}  // namespace

std::unique_ptr<Classifier> OpenClassifier(const std::string& path,
                                           const ClassifierOptions& options,
                                           intformer_status* status, std::string* error) {
  *status = INTFORMER_OK;
  if (IsHfDirectory(path)) {
    auto c = std::make_unique<ReferenceClassifier>();
    if (!c->Open(path, options, error)) return nullptr;
    return c;
  }
  auto c = std::make_unique<IntClassifier>();
  if (!c->Open(path, options, status, error)) return nullptr;
  return c;
}

}  // namespace cli
}  // namespace intformer
