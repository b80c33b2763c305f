#include "models/tokenizers/bert_normalizer.h"

#include "models/tokenizers/unicode.h"

namespace intformer {
namespace tokenizers {

void BertNormalize(const std::vector<char32_t>& in, const BertNormalizerOptions& opt,
                   std::vector<char32_t>* out) {
  std::vector<char32_t> a, b;
  a.reserve(in.size() + 8);
  for (char32_t cp : in) {
    if (opt.clean_text) {
      if (cp == 0 || cp == kReplacementChar || IsControl(cp)) continue;
      if (IsWhitespace(cp)) cp = ' ';
    }
    if (opt.handle_chinese_chars && IsCjkIdeograph(cp)) {
      a.push_back(' ');
      a.push_back(cp);
      a.push_back(' ');
    } else {
      a.push_back(cp);
    }
  }
  if (opt.strip_accents) {
    b.reserve(a.size() + 8);
    AppendNfd(a, &b);
    a.clear();
    for (char32_t cp : b) {
      if (!IsNonspacingMark(cp)) a.push_back(cp);
    }
  }
  out->clear();
  if (opt.lowercase) {
    out->reserve(a.size() + 4);
    for (char32_t cp : a) AppendLowercase(cp, out);
  } else {
    out->swap(a);
  }
}

void BertPreTokenize(const std::vector<char32_t>& text, std::vector<CpRange>* words) {
  words->clear();
  size_t start = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    if (IsWhitespace(cp)) {
      if (in_word) words->push_back({start, i});
      in_word = false;
    } else if (IsBertPunctuation(cp)) {
      if (in_word) words->push_back({start, i});
      words->push_back({i, i + 1});
      in_word = false;
    } else if (!in_word) {
      start = i;
      in_word = true;
    }
  }
  if (in_word) words->push_back({start, text.size()});
}

}  // namespace tokenizers
}  // namespace intformer
