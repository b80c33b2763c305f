#include "models/tokenizers/tokenizer.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "models/tokenizers/byte_bpe.h"
#include "models/tokenizers/unicode.h"
#include "models/tokenizers/vocab_json.h"
#include "models/tokenizers/wordpiece.h"

namespace intformer {
namespace tokenizers {
namespace {

Status OutOfMemory() { return Status::Error(StatusCode::kOutOfMemory, "allocation failed"); }

// Runs `f`, turning any exception (in practice std::bad_alloc) into a Status.
template <class F>
Status NoThrow(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  } catch (...) {
    return Status::Error(StatusCode::kInvalidArgument, "unexpected internal error");
  }
}

// Byte index where the trailing whitespace of `s` begins (HF space_leftmost_at_end).
size_t TrailingSpaceStart(std::string_view s) {
  std::vector<char32_t> cps;
  DecodeUtf8Lossy(s, &cps);
  size_t end = s.size();
  for (size_t k = cps.size(); k > 0 && IsWhitespace(cps[k - 1]); --k) {
    std::string enc;
    AppendUtf8(cps[k - 1], &enc);
    end -= enc.size();
  }
  return end;
}

// Byte length of the leading whitespace of `s` (HF space_rightmost_at_start).
size_t LeadingSpaceLen(std::string_view s) {
  size_t i = 0;
  std::vector<char32_t> one;
  while (i < s.size()) {
    const size_t len = Utf8SeqLen(static_cast<unsigned char>(s[i]));
    one.clear();
    DecodeUtf8Lossy(s.substr(i, len), &one);
    if (one.size() != 1 || !IsWhitespace(one[0])) break;
    i += len;
  }
  return i;
}

}  // namespace

Tokenizer::~Tokenizer() = default;

Status Tokenizer::CreateWordPiece(std::string_view vocab_txt, const TokenizerSettings& settings,
                                  std::unique_ptr<Tokenizer>* out) {
  if (out == nullptr || settings.kind != TokenizerKind::kWordPiece) {
    return Status::Error(StatusCode::kInvalidArgument, "CreateWordPiece needs kind kWordPiece");
  }
  return NoThrow([&]() -> Status {
    Vocab vocab;
    Status st = ParseVocabTxt(vocab_txt, &vocab);
    if (!st.ok()) return st;
    TokenizerSettings s = settings;
    if (s.unk_id < 0) s.unk_id = vocab.Find("[UNK]");
    if (s.unk_id < 0 || static_cast<size_t>(s.unk_id) >= vocab.size()) {
      return Status::Error(StatusCode::kBadVocab, "WordPiece needs an [UNK] token");
    }
    if (s.max_input_chars_per_word <= 0) {
      return Status::Error(StatusCode::kBadSettings, "max_input_chars_per_word must be > 0");
    }
    return Finish(std::unique_ptr<TokenModel>(new WordPieceModel(std::move(vocab), s)), s, out);
  });
}

Status Tokenizer::CreateByteLevelBpe(std::string_view vocab_json, std::string_view merges_txt,
                                     const TokenizerSettings& settings,
                                     std::unique_ptr<Tokenizer>* out) {
  if (out == nullptr || settings.kind != TokenizerKind::kByteLevelBpe) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "CreateByteLevelBpe needs kind kByteLevelBpe");
  }
  return NoThrow([&]() -> Status {
    Vocab vocab;
    Status st = ParseVocabJson(vocab_json, &vocab);
    if (!st.ok()) return st;
    TokenizerSettings s = settings;
    if (s.unk_id < 0) s.unk_id = vocab.Find("<unk>");
    std::unique_ptr<ByteBpeModel> model;
    st = ByteBpeModel::Create(std::move(vocab), merges_txt, s, &model);
    if (!st.ok()) return st;
    return Finish(std::move(model), s, out);
  });
}

Status Tokenizer::Create(const TokenizerData& data, std::unique_ptr<Tokenizer>* out) {
  switch (data.settings.kind) {
    case TokenizerKind::kWordPiece: return CreateWordPiece(data.vocab, data.settings, out);
    case TokenizerKind::kByteLevelBpe:
      return CreateByteLevelBpe(data.vocab, data.merges, data.settings, out);
  }
  return Status::Error(StatusCode::kInvalidArgument, "unknown tokenizer kind");
}

Status Tokenizer::Finish(std::unique_ptr<TokenModel> model, const TokenizerSettings& settings,
                         std::unique_ptr<Tokenizer>* out) {
  const Vocab& v = model->vocab();
  const bool bert = settings.kind == TokenizerKind::kWordPiece;
  TokenizerSettings s = settings;
  auto resolve = [&](int32_t* id, const char* bert_name, const char* bpe_name) {
    if (*id < 0) *id = v.Find(bert ? bert_name : bpe_name);
  };
  resolve(&s.cls_id, "[CLS]", "<s>");
  resolve(&s.sep_id, "[SEP]", "</s>");
  resolve(&s.pad_id, "[PAD]", "<pad>");
  resolve(&s.mask_id, "[MASK]", "<mask>");
  auto valid = [&](int32_t id) {
    return !v.Token(id).empty();
  };
  if (!valid(s.cls_id) || !valid(s.sep_id) || !valid(s.pad_id)) {
    return Status::Error(StatusCode::kBadVocab, "the vocabulary lacks a cls, sep or pad token");
  }
  if (s.encode.max_length < 0) {
    return Status::Error(StatusCode::kBadSettings, "max_length must be >= 0");
  }
  if (s.added_tokens.empty()) {
    // As transformers registers a fast tokenizer's special tokens (RoBERTa's <mask> lstrips).
    for (int32_t id : {s.pad_id, s.unk_id, s.cls_id, s.sep_id, s.mask_id}) {
      if (id < 0) continue;
      bool dup = false;
      for (const AddedToken& t : s.added_tokens) dup |= t.id == id;
      if (!dup) s.added_tokens.push_back(AddedToken{id, !bert && id == s.mask_id, false});
    }
  }
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  for (const AddedToken& a : s.added_tokens) {
    if (!valid(a.id)) {
      return Status::Error(StatusCode::kBadSettings,
                           "added token id " + std::to_string(a.id) + " is not in the vocabulary");
    }
    t->added_.push_back(Added{std::string(v.Token(a.id)), a.id, a.lstrip, a.rstrip});
  }
  t->settings_ = std::move(s);
  t->model_ = std::move(model);
  *out = std::move(t);
  return Status::Ok();
}

void Tokenizer::SplitAddedAndTokenize(std::string_view text, std::vector<int32_t>* ids) const {
  size_t start_offset = 0;
  size_t i = 0;
  while (i < text.size()) {
    const Added* best = nullptr;
    for (const Added& a : added_) {
      if (a.text.size() > text.size() - i || (best && a.text.size() <= best->text.size())) continue;
      if (std::memcmp(text.data() + i, a.text.data(), a.text.size()) == 0) best = &a;
    }
    if (best == nullptr) {
      ++i;
      continue;
    }
    size_t start = i, stop = i + best->text.size();
    i = stop;  // the search resumes after the match itself, as HF's matcher does
    if (best->lstrip) start = std::max(TrailingSpaceStart(text.substr(0, start)), start_offset);
    if (best->rstrip) stop += LeadingSpaceLen(text.substr(stop));
    start = std::max(start, start_offset);
    if (start_offset < start) {
      model_->TokenizeSegment(text.substr(start_offset, start - start_offset), ids);
    }
    ids->push_back(best->id);
    start_offset = std::max(stop, start_offset);
    i = std::max(i, start_offset);
  }
  if (start_offset < text.size()) model_->TokenizeSegment(text.substr(start_offset), ids);
}

Status Tokenizer::Tokenize(std::string_view text, std::vector<int32_t>* ids) const {
  if (ids == nullptr) return Status::Error(StatusCode::kInvalidArgument, "null output");
  return NoThrow([&]() -> Status {
    ids->clear();
    SplitAddedAndTokenize(SanitizeUtf8(text), ids);
    return Status::Ok();
  });
}

Status Tokenizer::Encode(std::string_view a, Encoding* out) const {
  return Encode(a, nullptr, settings_.encode, out);
}

Status Tokenizer::EncodePair(std::string_view a, std::string_view b, Encoding* out) const {
  return Encode(a, &b, settings_.encode, out);
}

Status Tokenizer::Encode(std::string_view a, const std::string_view* b,
                         const EncodeOptions& options, Encoding* out) const {
  if (out == nullptr) return Status::Error(StatusCode::kInvalidArgument, "null output");
  return NoThrow([&]() -> Status {
    std::vector<int32_t> ids_a, ids_b;
    SplitAddedAndTokenize(SanitizeUtf8(a), &ids_a);
    if (b != nullptr) SplitAddedAndTokenize(SanitizeUtf8(*b), &ids_b);
    return PostProcess(std::move(ids_a), b != nullptr ? &ids_b : nullptr, options, out);
  });
}

int32_t Tokenizer::TokenToId(std::string_view token) const { return model_->vocab().Find(token); }

std::string_view Tokenizer::IdToToken(int32_t id) const {
  return model_->vocab().Token(id);
}

size_t Tokenizer::vocab_size() const { return model_->vocab().size(); }

}  // namespace tokenizers
}  // namespace intformer
