// Unicode primitives shared by the tokenizers: lossy UTF-8 decoding, UTF-8 encoding, and the
// character classes Hugging Face tokenizers uses, all answered from utf8proc's tables (no
// hand-made category tables here).
//
// Why each definition is what it is:
// - Decoding follows the WHATWG UTF-8 decoder (one U+FFFD per maximal invalid subpart). That is
//   what a JavaScript or Rust caller would have done before text reached HF tokenizers (Rust's
//   String::from_utf8_lossy uses the same rule), so invalid bytes tokenize identically.
// - IsWhitespace is Unicode's White_Space property, which is Rust's char::is_whitespace and
//   Oniguruma's \s: U+0009..U+000D, U+0085 and the Z* categories.
// - IsControl is BERT's "control": categories Cc, Cf, Co except \t \n \r (HF's unicode_categories
//   tables have no Cn entries, so unassigned code points are kept, not dropped).
// - IsBertPunctuation is HF's is_bert_punc: every ASCII non-alphanumeric printable character
//   (so $ + < = > ^ ` | ~ count although Unicode calls them symbols) plus categories P*.
#ifndef INTFORMER_MODELS_TOKENIZERS_UNICODE_H_
#define INTFORMER_MODELS_TOKENIZERS_UNICODE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intformer {
namespace tokenizers {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Appends the code points of `bytes` to `out`, replacing each maximal invalid subpart by U+FFFD.
void DecodeUtf8Lossy(std::string_view bytes, std::vector<char32_t>* out);

// Appends the UTF-8 encoding of a valid scalar value.
void AppendUtf8(char32_t cp, std::string* out);

// `bytes` re-encoded as valid UTF-8 (invalid subparts become EF BF BD).
std::string SanitizeUtf8(std::string_view bytes);

// Number of bytes of the UTF-8 sequence starting with lead byte `b` (valid UTF-8 assumed).
inline size_t Utf8SeqLen(unsigned char b) {
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

bool IsWhitespace(char32_t cp);
bool IsControl(char32_t cp);
bool IsBertPunctuation(char32_t cp);
bool IsLetter(char32_t cp);          // L*
bool IsNumber(char32_t cp);          // N*
bool IsNonspacingMark(char32_t cp);  // Mn
// The CJK Unified Ideograph blocks Google's BERT splits into single characters.
bool IsCjkIdeograph(char32_t cp);

// Appends the full lower-case mapping of `cp` (one code point, except U+0130 -> i + U+0307).
void AppendLowercase(char32_t cp, std::vector<char32_t>* out);

// Canonical decomposition (NFD) of `in` appended to `out`, with canonical ordering of marks.
void AppendNfd(const std::vector<char32_t>& in, std::vector<char32_t>* out);

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_UNICODE_H_
