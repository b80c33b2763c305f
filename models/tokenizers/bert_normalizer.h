// BERT's text pipeline before WordPiece, as Hugging Face's BertNormalizer + BertPreTokenizer:
//   1. clean_text: drop NUL, U+FFFD and controls (Cc/Cf/Co but \t \n \r); whitespace -> ' '
//   2. handle_chinese_chars: put spaces around each CJK ideograph
//   3. strip_accents: NFD, then drop nonspacing marks (Mn)
//   4. lowercase: full per-character lower-case mapping (no context-dependent final sigma)
//   5. split on whitespace (dropped) and around every punctuation character (kept, one per word)
// The order matters and is HF's: accents are stripped before lower-casing.
#ifndef INTFORMER_MODELS_TOKENIZERS_BERT_NORMALIZER_H_
#define INTFORMER_MODELS_TOKENIZERS_BERT_NORMALIZER_H_

#include <string>
#include <string_view>
#include <vector>

namespace intformer {
namespace tokenizers {

struct BertNormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

// Steps 1-4 on code points.
void BertNormalize(const std::vector<char32_t>& in, const BertNormalizerOptions& opt,
                   std::vector<char32_t>* out);

// Step 5: the words of normalised text, each as a code-point range [begin, end) of `text`.
struct CpRange {
  size_t begin, end;
};
void BertPreTokenize(const std::vector<char32_t>& text, std::vector<CpRange>* words);

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_BERT_NORMALIZER_H_
