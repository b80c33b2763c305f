// Tokenizer settings: everything besides the vocabulary bytes that decides the token ids, in one
// small struct that the model file stores (SerializeSettings / ParseSettings give a versioned,
// little-endian blob; models/format.h decides where it lives). The vocabulary itself travels as
// the original bytes: vocab.txt for WordPiece, vocab.json + merges.txt for byte-level BPE.
//
// Defaults reproduce Hugging Face's fast tokenizers (tokenizers 0.23) for bert-base-uncased
// (BertSettings) and roberta-base (RobertaSettings). Special token ids < 0 are resolved from the
// vocabulary by their conventional strings when the tokenizer is built; Tokenizer::settings()
// returns the resolved copy, which is what a converter should store.
#ifndef INTFORMER_MODELS_TOKENIZERS_TOKENIZER_SETTINGS_H_
#define INTFORMER_MODELS_TOKENIZERS_TOKENIZER_SETTINGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intformer {
namespace tokenizers {

enum class StatusCode : int32_t {
  kOk = 0,
  kInvalidArgument,    // bad call: null output, unknown kind, ...
  kBadVocab,           // vocabulary bytes malformed, or a required token missing
  kBadMerges,          // merges.txt malformed, or a merge whose result is not in the vocab
  kBadSettings,        // settings blob malformed or inconsistent
  kMaxLengthTooSmall,  // max_length cannot hold the special tokens
  kOutOfMemory,
  kIoError,            // only the file loaders
};

// Every fallible call answers with a Status; nothing throws out of this library.
struct Status {
  StatusCode code = StatusCode::kOk;
  std::string message;

  bool ok() const { return code == StatusCode::kOk; }
  static Status Ok() { return {}; }
  static Status Error(StatusCode c, std::string msg) { return {c, std::move(msg)}; }
};

const char* StatusCodeName(StatusCode code);

enum class TokenizerKind : uint8_t { kWordPiece = 1, kByteLevelBpe = 2 };

// A token matched verbatim in the raw text before normalisation (HF "added token" with
// normalized=false), e.g. "[CLS]" typed by a user. lstrip/rstrip let the token swallow the
// whitespace to its left/right (RoBERTa's <mask> has lstrip).
struct AddedToken {
  int32_t id = -1;
  bool lstrip = false;
  bool rstrip = false;
};

// Post-processing applied by Tokenizer::Encode after the special tokens are added.
struct EncodeOptions {
  bool add_special_tokens = true;
  bool truncation = true;          // longest first, as HF's TruncationStrategy::LongestFirst
  bool pad_to_max_length = false;  // pad (right) to max_length with pad_id, mask 0
  int32_t max_length = 512;        // tokens including the special tokens
};

struct TokenizerSettings {
  TokenizerKind kind = TokenizerKind::kWordPiece;

  // WordPiece: HF BertNormalizer + BertPreTokenizer + WordPiece model.
  bool clean_text = true;            // drop NUL, U+FFFD and controls; whitespace -> ' '
  bool handle_chinese_chars = true;  // CJK ideographs become single words
  bool strip_accents = true;         // NFD, then drop Mn (HF: defaults to `lowercase`)
  bool lowercase = true;
  int32_t max_input_chars_per_word = 100;  // longer words become [UNK]

  // Byte-level BPE: HF ByteLevel pre-tokenizer (GPT-2 split regex) + BPE model.
  bool add_prefix_space = false;

  // Special token ids (< 0: resolve from the vocabulary by [CLS]/<s> etc.).
  int32_t cls_id = -1;  // BERT [CLS], RoBERTa <s>
  int32_t sep_id = -1;  // BERT [SEP], RoBERTa </s>
  int32_t pad_id = -1;
  int32_t unk_id = -1;
  int32_t mask_id = -1;  // optional
  int32_t pad_type_id = 0;
  // Tokens matched verbatim in raw text; empty means "the special tokens above" (with RoBERTa's
  // <mask> lstrip), as transformers' fast tokenizers register them.
  std::vector<AddedToken> added_tokens;

  EncodeOptions encode;
};

TokenizerSettings BertSettings();     // uncased BERT, max_length 512
TokenizerSettings RobertaSettings();  // RoBERTa, add_prefix_space false, max_length 512

// Versioned little-endian blob: "ITKS", u16 version, then the fields in declaration order.
void SerializeSettings(const TokenizerSettings& s, std::string* blob);
Status ParseSettings(std::string_view blob, TokenizerSettings* s);

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_TOKENIZER_SETTINGS_H_
