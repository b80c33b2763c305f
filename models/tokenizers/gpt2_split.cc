// GPT-2's pre-tokenization pattern, matched by hand. At each position the alternatives are tried
// in the pattern's order, exactly as a backtracking regex engine would:
//   1. 's 't 're 've 'm 'll 'd   (case-sensitive; "'S" falls through to 4)
//   2. ' ?\p{L}+'   3. ' ?\p{N}+'   4. ' ?[^\s\p{L}\p{N}]+'   (the space is taken only if the
//      run it prefixes is non-empty)
//   5. '\s+(?!\S)': a whitespace run that reaches the end of text, or all of it but the last
//      character when a non-space follows (so that character can prefix the next word)
//   6. '\s+': a single whitespace character followed by a non-space.
// \s is White_Space, \p{L} and \p{N} are general categories, all from utf8proc (unicode.h).
#include <utility>

#include "models/tokenizers/byte_bpe.h"
#include "models/tokenizers/unicode.h"

namespace intformer {
namespace tokenizers {
namespace {

enum Class : uint8_t { kSpace, kLetter, kNumber, kOther };

Class Classify(char32_t cp) {
  if (IsWhitespace(cp)) return kSpace;
  if (IsLetter(cp)) return kLetter;
  if (IsNumber(cp)) return kNumber;
  return kOther;
}

// End (code point index) of the match starting at i.
size_t MatchEnd(const std::vector<char32_t>& t, const std::vector<Class>& c, size_t i) {
  const size_t n = t.size();
  if (t[i] == '\'' && i + 1 < n) {
    const char32_t a = t[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
    if (i + 2 < n) {
      const char32_t b = t[i + 2];
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
    }
  }
  for (Class want : {kLetter, kNumber, kOther}) {
    size_t j = i;
    if (t[j] == ' ' && j + 1 < n && c[j + 1] == want) ++j;
    if (c[j] == want) {
      while (j < n && c[j] == want) ++j;
      return j;
    }
  }
  // t[i] is whitespace here.
  size_t j = i;
  while (j < n && c[j] == kSpace) ++j;
  if (j == n) return n;
  return j - i >= 2 ? j - 1 : j;
}

}  // namespace

void Gpt2Split(std::string_view text, std::vector<std::pair<size_t, size_t>>* pieces) {
  pieces->clear();
  std::vector<char32_t> t;
  DecodeUtf8Lossy(text, &t);
  std::vector<Class> c(t.size());
  std::vector<size_t> at(t.size() + 1);
  size_t byte = 0;
  for (size_t k = 0; k < t.size(); ++k) {
    c[k] = Classify(t[k]);
    at[k] = byte;
    byte += Utf8SeqLen(static_cast<unsigned char>(text[byte]));
  }
  at[t.size()] = byte;
  for (size_t i = 0; i < t.size();) {
    const size_t e = MatchEnd(t, c, i);
    pieces->emplace_back(at[i], at[e]);
    i = e;
  }
}

}  // namespace tokenizers
}  // namespace intformer
