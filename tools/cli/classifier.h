// What `intformer classify` runs: one interface over the two engines a --model path can name.
//   - a converted model file: the integer pipeline through the public C API (the CLI is its
//     first client), logits converted to reals with intformer_logits_to_float;
//   - a Hugging Face directory: the FP32 reference encoder (tools/reference) with the
//     tokenizer read from the directory, i.e. the accuracy baseline.
// Both tokenize with the same tokenizer code and truncate to the same max_seq, so their
// outputs are comparable row by row.
#ifndef INTFORMER_TOOLS_CLI_CLASSIFIER_H_
#define INTFORMER_TOOLS_CLI_CLASSIFIER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "tools/cli/cli_common.h"

namespace intformer {
namespace cli {

struct Prediction {
  std::vector<float> logits;  // num_labels reals
  size_t label = 0;           // argmax (first of ties)
};

struct ClassifierOptions {
  size_t max_seq = 128;  // tokens per row, special tokens included; longer rows are truncated
  size_t threads = 1;
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  // "int8 bert, gemm pack avx512vnni" / "fp32 reference bert".
  virtual std::string Describe() const = 0;
  virtual const std::vector<std::string>& labels() const = 0;
  // Classifies one row. On failure returns false and writes a message that starts with the
  // status name.
  virtual bool Classify(const TextRow& row, Prediction* out, std::string* error) = 0;
};

// Opens `path` (a model file or a Hugging Face directory). On failure returns nullptr and
// writes the message; *status is the C status for model files (INTFORMER_OK otherwise).
std::unique_ptr<Classifier> OpenClassifier(const std::string& path,
                                           const ClassifierOptions& options,
                                           intformer_status* status, std::string* error);

}  // namespace cli
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CLI_CLASSIFIER_H_
