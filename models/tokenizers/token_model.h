// The interface between Tokenizer (added-token splitting, special tokens, truncation, padding)
// and a tokenization model (WordPiece with BERT's normaliser, or byte-level BPE). Internal.
#ifndef INTFORMER_MODELS_TOKENIZERS_TOKEN_MODEL_H_
#define INTFORMER_MODELS_TOKENIZERS_TOKEN_MODEL_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/tokenizers/vocab.h"

namespace intformer {
namespace tokenizers {

class TokenModel {
 public:
  virtual ~TokenModel() = default;
  // Appends the ids of one text segment that holds no added token. `utf8` is valid UTF-8.
  virtual void TokenizeSegment(std::string_view utf8, std::vector<int32_t>* ids) const = 0;
  const Vocab& vocab() const { return vocab_; }

 protected:
  Vocab vocab_;
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_TOKEN_MODEL_H_
