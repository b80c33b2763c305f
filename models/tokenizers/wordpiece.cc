#include "models/tokenizers/wordpiece.h"

#include <algorithm>

#include "models/tokenizers/unicode.h"

namespace intformer {
namespace tokenizers {

Status ParseVocabTxt(std::string_view text, Vocab* vocab) {
  *vocab = Vocab{};
  if (text.empty()) return Status::Error(StatusCode::kBadVocab, "vocab.txt is empty");
  // One token per line: sizing the arena and table up front means loading never regrows them.
  vocab->Reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1, text.size());
  std::vector<char32_t> cps;
  std::string token;
  int32_t id = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    if (id == INT32_MAX) return Status::Error(StatusCode::kBadVocab, "vocab.txt: too many lines");
    // Rust's str::trim_end: drop trailing White_Space code points (this also removes \r).
    cps.clear();
    DecodeUtf8Lossy(text.substr(pos, nl - pos), &cps);
    while (!cps.empty() && IsWhitespace(cps.back())) cps.pop_back();
    token.clear();
    for (char32_t cp : cps) AppendUtf8(cp, &token);
    if (!vocab->Set(token, id++)) return Status::Error(StatusCode::kBadVocab, "vocab.txt too large");
    pos = nl + 1;
  }
  vocab->ShrinkToFit();
  return Status::Ok();
}

WordPieceModel::WordPieceModel(Vocab vocab, const TokenizerSettings& s)
    : unk_id_(s.unk_id),
      max_chars_(s.max_input_chars_per_word > 0 ? static_cast<size_t>(s.max_input_chars_per_word)
                                                : 0) {
  vocab_ = std::move(vocab);
  norm_.clean_text = s.clean_text;
  norm_.handle_chinese_chars = s.handle_chinese_chars;
  norm_.strip_accents = s.strip_accents;
  norm_.lowercase = s.lowercase;
}

void WordPieceModel::TokenizeSegment(std::string_view utf8, std::vector<int32_t>* ids) const {
  std::vector<char32_t> raw, text;
  DecodeUtf8Lossy(utf8, &raw);
  BertNormalize(raw, norm_, &text);
  std::vector<CpRange> words;
  BertPreTokenize(text, &words);
  for (const CpRange& w : words) TokenizeWord(text.data() + w.begin, w.end - w.begin, ids);
}

void WordPieceModel::TokenizeWord(const char32_t* cps, size_t n, std::vector<int32_t>* ids) const {
  if (n > max_chars_) {
    ids->push_back(unk_id_);
    return;
  }
  // The word's UTF-8 bytes and the byte offset of every code point boundary.
  std::string word;
  std::vector<size_t> at(n + 1);
  for (size_t i = 0; i < n; ++i) {
    at[i] = word.size();
    AppendUtf8(cps[i], &word);
  }
  at[n] = word.size();

  const size_t first = ids->size();
  std::string piece;
  size_t start = 0;
  while (start < n) {
    int32_t found = -1;
    size_t end = n;
    for (; end > start; --end) {
      piece.assign(start > 0 ? "##" : "");
      piece.append(word, at[start], at[end] - at[start]);
      found = vocab_.Find(piece);
      if (found >= 0) break;
    }
    if (found < 0) {  // no piece fits here: the whole word is unknown
      ids->resize(first);
      ids->push_back(unk_id_);
      return;
    }
    ids->push_back(found);
    start = end;
  }
}

}  // namespace tokenizers
}  // namespace intformer
