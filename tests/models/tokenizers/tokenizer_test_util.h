// Shared by the tokenizer tests: the fixture tokenizers, the GLUE TSV and hard-case readers (the
// same parsing as tools/goldens/token_goldens.mjs) and the golden row format.
#ifndef INTFORMER_TESTS_MODELS_TOKENIZERS_TOKENIZER_TEST_UTIL_H_
#define INTFORMER_TESTS_MODELS_TOKENIZERS_TOKENIZER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "models/tokenizers/tokenizer.h"

namespace intformer {
namespace test {

inline std::string FixturePath(const std::string& rel) {
  return std::string(INTFORMER_FIXTURES_DIR) + "/" + rel;
}
inline std::string SourcePath(const std::string& rel) {
  return std::string(INTFORMER_SOURCE_DIR) + "/" + rel;
}

inline bool ReadFileBytes(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

inline std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> f;
  size_t pos = 0;
  for (;;) {
    const size_t t = line.find('\t', pos);
    f.push_back(line.substr(pos, t == std::string::npos ? std::string::npos : t - pos));
    if (t == std::string::npos) return f;
    pos = t + 1;
  }
}

// Data rows of a GLUE TSV (header skipped, a leading UTF-8 BOM dropped), selected columns.
inline std::vector<std::vector<std::string>> ReadTsv(const std::string& rel,
                                                     const std::vector<int>& cols) {
  std::string text;
  if (!ReadFileBytes(FixturePath(rel), &text)) return {};
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  const std::vector<std::string> lines = SplitLines(text);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = SplitTabs(lines[i]);
    std::vector<std::string> row;
    for (int c : cols) row.push_back(c < static_cast<int>(f.size()) ? f[c] : std::string());
    rows.push_back(row);
  }
  return rows;
}

// hard_cases.txt escapes -> raw bytes (see the file's header).
inline std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char e = s[++i];
    if (e == 't') out.push_back('\t');
    else if (e == 'n') out.push_back('\n');
    else if (e == 'r') out.push_back('\r');
    else if (e == '\\') out.push_back('\\');
    else if (e == 'x') {
      out.push_back(static_cast<char>(std::strtoul(s.substr(i + 1, 2).c_str(), nullptr, 16)));
      i += 2;
    } else if (e == 'u') {
      const size_t close = s.find('}', i);
      const unsigned long cp = std::strtoul(s.substr(i + 2, close - i - 2).c_str(), nullptr, 16);
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
      i = close;
    }
  }
  return out;
}

inline std::vector<std::vector<std::string>> ReadHardCases() {
  std::string text;
  if (!ReadFileBytes(SourcePath("tests/models/tokenizers/hard_cases.txt"), &text)) return {};
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : SplitLines(text)) {
    if (!line.empty() && line[0] == '#') continue;
    std::vector<std::string> row;
    for (const std::string& f : SplitTabs(line)) row.push_back(Unescape(f));
    rows.push_back(row);
  }
  return rows;
}

template <class T>
std::string RunLength(const std::vector<T>& v) {
  std::string s;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    if (!s.empty()) s += ' ';
    s += std::to_string(static_cast<int64_t>(v[i])) + "*" + std::to_string(j - i);
    i = j;
  }
  return s;
}

// "ids | type ids run-length | attention mask run-length", the golden row format.
inline std::string GoldenLine(const tokenizers::Encoding& e) {
  std::string s;
  for (size_t i = 0; i < e.ids.size(); ++i) {
    if (i) s += ' ';
    s += std::to_string(e.ids[i]);
  }
  return s + " | " + RunLength(e.type_ids) + " | " + RunLength(e.attention_mask);
}

inline std::unique_ptr<tokenizers::Tokenizer> MakeFixtureTokenizer(const std::string& name) {
  std::unique_ptr<tokenizers::Tokenizer> t;
  tokenizers::Status st;
  if (name == "bert") {
    std::string vocab;
    if (!ReadFileBytes(FixturePath("models/sst2-bert-tiny/vocab.txt"), &vocab)) return nullptr;
    st = tokenizers::Tokenizer::CreateWordPiece(vocab, tokenizers::BertSettings(), &t);
  } else {
    std::string vocab, merges;
    if (!ReadFileBytes(FixturePath("models/sst2-roberta-tiny/vocab.json"), &vocab) ||
        !ReadFileBytes(FixturePath("models/sst2-roberta-tiny/merges.txt"), &merges)) {
      return nullptr;
    }
    st = tokenizers::Tokenizer::CreateByteLevelBpe(vocab, merges, tokenizers::RobertaSettings(),
                                                   &t);
  }
  EXPECT_TRUE(st.ok()) << st.message;
  return t;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_MODELS_TOKENIZERS_TOKENIZER_TEST_UTIL_H_
