#include "models/tokenizers/vocab_json.h"

#include "models/tokenizers/unicode.h"

namespace intformer {
namespace tokenizers {
namespace {

constexpr int32_t kMaxId = 1 << 28;  // far above any real vocabulary; keeps Vocab's id table bounded

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }
  size_t pos() const { return i_; }

  bool String(std::string* out) {
    out->clear();
    if (!Eat('"')) return false;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // high surrogate: a low one must follow
            uint32_t lo;
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
            i_ += 2;
            if (!Hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool Id(int32_t* id) {
    SkipSpace();
    int64_t v = 0;
    size_t digits = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      v = v * 10 + (s_[i_++] - '0');
      if (++digits > 10) return false;
    }
    if (digits == 0 || v > kMaxId) return false;
    *id = static_cast<int32_t>(v);
    return true;
  }

 private:
  bool Hex4(uint32_t* v) {
    if (s_.size() - i_ < 4) return false;
    *v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      *v = (*v << 4) | static_cast<uint32_t>(d);
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Status ParseVocabJson(std::string_view json, Vocab* vocab) {
  *vocab = Vocab{};
  JsonReader r(json);
  auto fail = [&](const char* what) {
    return Status::Error(StatusCode::kBadVocab,
                         std::string("vocab.json: ") + what + " at byte " + std::to_string(r.pos()));
  };
  if (!r.Eat('{')) return fail("expected '{'");
  std::string key;
  if (!r.Eat('}')) {
    do {
      int32_t id;
      if (!r.String(&key)) return fail("bad key string");
      if (!r.Eat(':')) return fail("expected ':'");
      if (!r.Id(&id)) return fail("expected a non-negative integer id");
      if (SanitizeUtf8(key) != key) return fail("key is not valid UTF-8");
      if (!vocab->Set(key, id)) return fail("vocabulary too large");
    } while (r.Eat(','));
    if (!r.Eat('}')) return fail("expected ',' or '}'");
  }
  if (!r.AtEnd()) return fail("trailing bytes");
  if (vocab->empty()) return fail("empty vocabulary");
  vocab->ShrinkToFit();
  return Status::Ok();
}

}  // namespace tokenizers
}  // namespace intformer
