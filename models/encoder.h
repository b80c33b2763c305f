// The integer-only BERT/RoBERTa classifier encoder: the interface the C API and the CLI call.
//
// A Model is the immutable, shareable result of loading an intformer model file (models/format.h
// with the BERT schema of models/bert/schema.h): validated metadata, views of the packed weights
// (never copied), the tokenizer built from the stored vocabulary. A Session is one thread's
// worker: every activation buffer is sized once at Create from max_batch x max_seq (or carved
// from the caller's arena), so Run allocates nothing. Run computes int32 logits at one common
// scale, info().logit_scale; converting them to reals is the caller's business (the API does it).
//
// Everything behind this header is integer arithmetic (it builds for soft-float ARM).
#ifndef INTFORMER_MODELS_ENCODER_H_
#define INTFORMER_MODELS_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/format_reader.h"
#include "models/tokenizers/tokenizer.h"
#include "ops/requant/requant.h"
#include "runtime/status.h"

namespace intformer {

using Tokenizer = tokenizers::Tokenizer;

struct ModelInfo {
  std::string architecture;  // "bert" | "roberta"
  uint32_t hidden = 0, layers = 0, heads = 0, intermediate = 0, vocab = 0, max_positions = 0,
           type_vocab = 0;
  uint32_t num_labels = 0;          // 1 = regression
  std::vector<std::string> labels;  // id2label
  Dyadic logit_scale{};             // real logit = int32 logit * mult * 2^-shift
  std::string weights;              // "int8", or "nf4:<groups>" (e.g. "nf4:attention,ffn")
  uint32_t pack_format = 0;         // gemm_s8 pack format the file was packed for
};

namespace bert {
struct Weights;  // models/bert/weights.h: the bound tensor views and constants
}

class Model {
 public:
  // Takes ownership of `file`; the weights stay in place in the file's memory.
  static Status Load(std::unique_ptr<ModelFile> file, std::unique_ptr<Model>* out);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const { return info_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  // Longest sequence Run accepts, specials included (RoBERTa: max_positions - 2).
  size_t max_seq() const;
  const bert::Weights& weights() const { return *weights_; }
  size_t file_size() const { return file_->size(); }

 private:
  Model();
  ModelInfo info_;
  std::unique_ptr<ModelFile> file_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<bert::Weights> weights_;
};

struct SessionOptions {
  size_t threads = 1;
  size_t max_batch = 1;
  size_t max_seq = 128;
  void* arena = nullptr;  // optional caller memory (64-byte aligned, >= ScratchSize bytes)
  size_t arena_size = 0;
  // Tests and bug reports: run every op's scalar reference variant instead of dispatch's
  // choice (the GEMM kernel is always the one the file was packed for).
  bool reference_kernels = false;
};

class ThreadPool;
namespace bert {
struct Plan;     // models/bert/plan.h: the static memory plan
struct Profile;  // models/bert/profile.h: time per op and layer
}

class Session {
 public:
  static size_t ScratchSize(const Model& model, const SessionOptions& options);
  static Status Create(const Model& model, const SessionOptions& options,
                       std::unique_ptr<Session>* out);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ids/type_ids/mask are [batch x seq] row-major; type_ids may be null (all 0); mask 1 = token
  // (every row needs at least one). logits_out: [batch x num_labels] int32 at
  // info().logit_scale. Bad input answers a named status and leaves the session usable.
  Status Run(const int32_t* ids, const int32_t* type_ids, const uint8_t* mask, size_t batch,
             size_t seq, int32_t* logits_out);

  const SessionOptions& options() const { return options_; }

  // Attaches a profile that every later Run adds its time per op and layer to (nullptr, the
  // default, detaches: the forward pass then pays one null test per op). Not owned.
  void SetProfile(bert::Profile* profile);

 private:
  Session();
  const Model* model_ = nullptr;
  SessionOptions options_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<bert::Plan> plan_;
  std::unique_ptr<uint8_t[]> owned_arena_;
};

}  // namespace intformer

#endif  // INTFORMER_MODELS_ENCODER_H_
