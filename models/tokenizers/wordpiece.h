// WordPiece as BERT uses it: BertNormalizer + BertPreTokenizer (bert_normalizer.h), then for each
// word greedy longest-match-first sub-words, continuation pieces prefixed with "##". A word with
// more than max_input_chars_per_word code points, or with any position where no piece matches,
// becomes a single [UNK] (the whole word, never a partial split), exactly as HF's WordPiece.
#ifndef INTFORMER_MODELS_TOKENIZERS_WORDPIECE_H_
#define INTFORMER_MODELS_TOKENIZERS_WORDPIECE_H_

#include <memory>
#include <string_view>

#include "models/tokenizers/bert_normalizer.h"
#include "models/tokenizers/token_model.h"
#include "models/tokenizers/tokenizer_settings.h"

namespace intformer {
namespace tokenizers {

// Parses vocab.txt contents: one token per line, id = line index, trailing whitespace trimmed.
Status ParseVocabTxt(std::string_view vocab_txt, Vocab* vocab);

class WordPieceModel : public TokenModel {
 public:
  // `unk_id` must be a valid id of `vocab`.
  WordPieceModel(Vocab vocab, const TokenizerSettings& s);
  void TokenizeSegment(std::string_view utf8, std::vector<int32_t>* ids) const override;

 private:
  void TokenizeWord(const char32_t* cps, size_t n, std::vector<int32_t>* ids) const;

  BertNormalizerOptions norm_;
  int32_t unk_id_;
  size_t max_chars_;
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_WORDPIECE_H_
