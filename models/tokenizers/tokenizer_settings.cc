#include "models/tokenizers/tokenizer_settings.h"

#include <cstring>

namespace intformer {
namespace tokenizers {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kBadVocab: return "bad vocabulary";
    case StatusCode::kBadMerges: return "bad merges";
    case StatusCode::kBadSettings: return "bad settings";
    case StatusCode::kMaxLengthTooSmall: return "max_length too small";
    case StatusCode::kOutOfMemory: return "out of memory";
    case StatusCode::kIoError: return "i/o error";
  }
  return "unknown";
}

TokenizerSettings BertSettings() { return TokenizerSettings{}; }

TokenizerSettings RobertaSettings() {
  TokenizerSettings s;
  s.kind = TokenizerKind::kByteLevelBpe;
  s.clean_text = s.handle_chinese_chars = s.strip_accents = s.lowercase = false;
  s.add_prefix_space = false;
  return s;
}

namespace {

constexpr char kMagic[4] = {'I', 'T', 'K', 'S'};
constexpr uint16_t kVersion = 1;
constexpr uint32_t kMaxAddedTokens = 1024;

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutI32(int32_t v, std::string* out) { PutU32(static_cast<uint32_t>(v), out); }
void PutBool(bool v, std::string* out) { out->push_back(v ? 1 : 0); }

// Sequential reader that fails (and stays failed) when the blob runs out.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == b_.size(); }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(b_[pos_ + i])} << (8 * i);
    pos_ += 4;
    return v;
  }
  uint16_t U16() {
    if (!Need(2)) return 0;
    const uint16_t v = static_cast<uint16_t>(static_cast<unsigned char>(b_[pos_]) |
                                             (static_cast<unsigned char>(b_[pos_ + 1]) << 8));
    pos_ += 2;
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  bool Bool() {
    if (!Need(1)) return false;
    const unsigned char v = static_cast<unsigned char>(b_[pos_++]);
    if (v > 1) ok_ = false;
    return v == 1;
  }
  bool Magic() {
    if (!Need(4)) return false;
    const bool m = std::memcmp(b_.data() + pos_, kMagic, 4) == 0;
    pos_ += 4;
    return m;
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || b_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

void SerializeSettings(const TokenizerSettings& s, std::string* blob) {
  blob->clear();
  blob->append(kMagic, 4);
  blob->push_back(static_cast<char>(kVersion & 0xFF));
  blob->push_back(static_cast<char>(kVersion >> 8));
  blob->push_back(static_cast<char>(s.kind));
  PutBool(s.clean_text, blob);
  PutBool(s.handle_chinese_chars, blob);
  PutBool(s.strip_accents, blob);
  PutBool(s.lowercase, blob);
  PutI32(s.max_input_chars_per_word, blob);
  PutBool(s.add_prefix_space, blob);
  for (int32_t id : {s.cls_id, s.sep_id, s.pad_id, s.unk_id, s.mask_id, s.pad_type_id}) {
    PutI32(id, blob);
  }
  PutU32(static_cast<uint32_t>(s.added_tokens.size()), blob);
  for (const AddedToken& t : s.added_tokens) {
    PutI32(t.id, blob);
    PutBool(t.lstrip, blob);
    PutBool(t.rstrip, blob);
  }
  PutBool(s.encode.add_special_tokens, blob);
  PutBool(s.encode.truncation, blob);
  PutBool(s.encode.pad_to_max_length, blob);
  PutI32(s.encode.max_length, blob);
}

Status ParseSettings(std::string_view blob, TokenizerSettings* out) {
  if (out == nullptr) return Status::Error(StatusCode::kInvalidArgument, "null settings");
  Reader r(blob);
  if (!r.Magic()) return Status::Error(StatusCode::kBadSettings, "settings blob: bad magic");
  const uint16_t version = r.U16();
  if (r.ok() && version != kVersion) {
    return Status::Error(StatusCode::kBadSettings,
                         "settings blob: unsupported version " + std::to_string(version));
  }
  TokenizerSettings s;
  if (!r.ok() || blob.size() < 7) {
    return Status::Error(StatusCode::kBadSettings, "settings blob: truncated header");
  }
  const uint8_t kind = static_cast<uint8_t>(blob[6]);
  Reader body(blob.substr(7));
  if (kind != 1 && kind != 2) return Status::Error(StatusCode::kBadSettings, "settings: bad kind");
  s.kind = static_cast<TokenizerKind>(kind);
  s.clean_text = body.Bool();
  s.handle_chinese_chars = body.Bool();
  s.strip_accents = body.Bool();
  s.lowercase = body.Bool();
  s.max_input_chars_per_word = body.I32();
  s.add_prefix_space = body.Bool();
  s.cls_id = body.I32();
  s.sep_id = body.I32();
  s.pad_id = body.I32();
  s.unk_id = body.I32();
  s.mask_id = body.I32();
  s.pad_type_id = body.I32();
  const uint32_t n = body.U32();
  if (!body.ok() || n > kMaxAddedTokens) {
    return Status::Error(StatusCode::kBadSettings, "settings blob: bad added-token count");
  }
  s.added_tokens.resize(n);
  for (AddedToken& t : s.added_tokens) {
    t.id = body.I32();
    t.lstrip = body.Bool();
    t.rstrip = body.Bool();
  }
  s.encode.add_special_tokens = body.Bool();
  s.encode.truncation = body.Bool();
  s.encode.pad_to_max_length = body.Bool();
  s.encode.max_length = body.I32();
  if (!body.ok() || !body.done()) {
    return Status::Error(StatusCode::kBadSettings, "settings blob: truncated or trailing bytes");
  }
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace tokenizers
}  // namespace intformer
