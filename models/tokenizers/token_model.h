// The interface between Tokenizer (added-token splitting, special tokens, truncation, padding)
// and a tokenization model (WordPiece with BERT's normaliser, or byte-level BPE). Internal.
#ifndef INTFORMER_MODELS_TOKENIZERS_TOKEN_MODEL_H_
#define INTFORMER_MODELS_TOKENIZERS_TOKEN_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace intformer {
namespace tokenizers {

// Token string <-> id, as loaded from the vocabulary bytes.
struct Vocab {
  std::unordered_map<std::string, int32_t> token_to_id;
  std::vector<std::string> id_to_token;  // "" for ids no token maps to

  int32_t Find(std::string_view token) const {
    auto it = token_to_id.find(std::string(token));
    return it == token_to_id.end() ? -1 : it->second;
  }
  // Adds or overwrites (the later line wins, as in HF's vocabulary loaders).
  void Set(std::string token, int32_t id);
};

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
