#include "models/tokenizers/unicode.h"

#include <utf8proc.h>

#include <algorithm>

namespace intformer {
namespace tokenizers {

void DecodeUtf8Lossy(std::string_view bytes, std::vector<char32_t>* out) {
  out->reserve(out->size() + bytes.size());
  char32_t cp = 0;
  int needed = 0, seen = 0;
  unsigned lower = 0x80, upper = 0xBF;
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned b = static_cast<unsigned char>(bytes[i]);
    if (needed == 0) {
      ++i;
      if (b <= 0x7F) {
        out->push_back(b);
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1, cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;  // overlong
        if (b == 0xED) upper = 0x9F;  // surrogates
        needed = 2, cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;  // overlong
        if (b == 0xF4) upper = 0x8F;  // > U+10FFFF
        needed = 3, cp = b & 0x07;
      } else {
        out->push_back(kReplacementChar);
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The subpart so far is invalid; the byte is examined again as a possible lead byte.
      out->push_back(kReplacementChar);
      needed = seen = 0, cp = 0, lower = 0x80, upper = 0xBF;
      continue;
    }
    ++i;
    lower = 0x80, upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      out->push_back(cp);
      needed = seen = 0, cp = 0;
    }
  }
  if (needed != 0) out->push_back(kReplacementChar);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::vector<char32_t> cps;
  DecodeUtf8Lossy(bytes, &cps);
  std::string out;
  out.reserve(bytes.size() + 8);
  for (char32_t cp : cps) AppendUtf8(cp, &out);
  return out;
}

static utf8proc_category_t Category(char32_t cp) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool IsWhitespace(char32_t cp) {
  if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85) return true;
  if (cp < 0x80) return false;
  const utf8proc_category_t c = Category(cp);
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

bool IsControl(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  const utf8proc_category_t c = Category(cp);
  return c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_CO;
}

bool IsBertPunctuation(char32_t cp) {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
      (cp >= 123 && cp <= 126)) {
    return true;
  }
  if (cp < 0x80) return false;
  const utf8proc_category_t c = Category(cp);
  return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool IsLetter(char32_t cp) {
  const utf8proc_category_t c = Category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool IsNumber(char32_t cp) {
  const utf8proc_category_t c = Category(cp);
  return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

bool IsNonspacingMark(char32_t cp) { return Category(cp) == UTF8PROC_CATEGORY_MN; }

bool IsCjkIdeograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

void AppendLowercase(char32_t cp, std::vector<char32_t>* out) {
  // SpecialCasing.txt's only unconditional multi-character lower-case mapping; utf8proc knows
  // simple mappings only, while Rust's char::to_lowercase (used by HF) applies this one too.
  if (cp == 0x130) {
    out->push_back('i');
    out->push_back(0x307);
    return;
  }
  out->push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

void AppendNfd(const std::vector<char32_t>& in, std::vector<char32_t>* out) {
  const size_t base = out->size();
  utf8proc_int32_t buf[32];
  for (char32_t cp : in) {
    int boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 32,
                                                       UTF8PROC_DECOMPOSE, &boundclass);
    if (n <= 0 || n > 32) {  // cannot happen for valid scalars; keep the character as it is
      out->push_back(cp);
      continue;
    }
    for (utf8proc_ssize_t k = 0; k < n; ++k) out->push_back(static_cast<char32_t>(buf[k]));
  }
  // Canonical ordering: each run of non-starters is stably sorted by combining class.
  auto ccc = [](char32_t c) {
    return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class;
  };
  size_t i = base;
  while (i < out->size()) {
    if (ccc((*out)[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out->size() && ccc((*out)[j]) != 0) ++j;
    std::stable_sort(out->begin() + i, out->begin() + j,
                     [&](char32_t a, char32_t b) { return ccc(a) < ccc(b); });
    i = j;
  }
}

}  // namespace tokenizers
}  // namespace intformer
