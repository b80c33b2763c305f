// Text -> token ids for the encoder, identical to Hugging Face's fast tokenizers (tokenizers
// 0.23; the goldens in tests/models/tokenizers/ are written by HF's own library).
//
// Pipeline of Encode(a[, b]):
//   1. the bytes are decoded as UTF-8, each invalid subpart becoming U+FFFD (WHATWG rule);
//   2. added tokens (settings.added_tokens: [CLS], <mask>, ...) are cut out of the raw text
//      verbatim, leftmost-longest, honouring lstrip/rstrip;
//   3. every other segment goes through the model: WordPiece (BERT normaliser, pre-tokenizer,
//      greedy ##-pieces) or byte-level BPE (GPT-2 split, merges by rank);
//   4. special tokens: BERT  [CLS] A [SEP]            / [CLS] A [SEP] B [SEP]   (type ids 0.. 1..)
//                      RoBERTa <s> A </s>             / <s> A </s></s> B </s>   (type ids all 0)
//      with truncation first (longest first, HF's rule, to max_length including specials);
//   5. optional right padding to max_length (pad_id, type pad_type_id, attention mask 0).
//
// Construction is from in-memory bytes, because the vocabulary travels inside the model file:
// TokenizerData (settings + vocab bytes + merges bytes) is exactly what must be stored.
// Everything here is integer code; no call throws (allocation failure answers kOutOfMemory).
// A Tokenizer is immutable after creation and Encode may run concurrently from several threads.
#ifndef INTFORMER_MODELS_TOKENIZERS_TOKENIZER_H_
#define INTFORMER_MODELS_TOKENIZERS_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/tokenizers/tokenizer_settings.h"

namespace intformer {
namespace tokenizers {

class TokenModel;

// What a model file stores for its tokenizer.
struct TokenizerData {
  TokenizerSettings settings;
  std::string vocab;   // vocab.txt contents (WordPiece) or vocab.json contents (byte-level BPE)
  std::string merges;  // merges.txt contents (byte-level BPE only)
};

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<uint8_t> attention_mask;  // 1 = real token, 0 = padding
  size_t size() const { return ids.size(); }
};

class Tokenizer {
 public:
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // vocab.txt contents; settings.kind must be kWordPiece.
  static Status CreateWordPiece(std::string_view vocab_txt, const TokenizerSettings& settings,
                                std::unique_ptr<Tokenizer>* out);
  // vocab.json + merges.txt contents; settings.kind must be kByteLevelBpe.
  static Status CreateByteLevelBpe(std::string_view vocab_json, std::string_view merges_txt,
                                   const TokenizerSettings& settings,
                                   std::unique_ptr<Tokenizer>* out);
  // Either of the above, chosen by data.settings.kind.
  static Status Create(const TokenizerData& data, std::unique_ptr<Tokenizer>* out);

  // One text, or a pair (b != nullptr), with settings().encode or explicit options.
  Status Encode(std::string_view a, Encoding* out) const;
  Status EncodePair(std::string_view a, std::string_view b, Encoding* out) const;
  Status Encode(std::string_view a, const std::string_view* b, const EncodeOptions& options,
                Encoding* out) const;

  // The model's ids for `text`, without special tokens, truncation or padding.
  Status Tokenize(std::string_view text, std::vector<int32_t>* ids) const;

  // Settings with the special ids and added tokens resolved: store these in a model file.
  const TokenizerSettings& settings() const { return settings_; }
  int32_t TokenToId(std::string_view token) const;  // -1 if absent
  std::string_view IdToToken(int32_t id) const;     // "" if absent
  size_t vocab_size() const;                        // highest id + 1

 private:
  Tokenizer() = default;
  static Status Finish(std::unique_ptr<TokenModel> model, const TokenizerSettings& settings,
                       std::unique_ptr<Tokenizer>* out);
  void SplitAddedAndTokenize(std::string_view utf8, std::vector<int32_t>* ids) const;
  Status PostProcess(std::vector<int32_t> a, std::vector<int32_t>* b, const EncodeOptions& o,
                     Encoding* out) const;

  struct Added {
    std::string text;
    int32_t id;
    bool lstrip, rstrip;
  };
  TokenizerSettings settings_;
  std::unique_ptr<TokenModel> model_;
  std::vector<Added> added_;
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_TOKENIZER_H_
