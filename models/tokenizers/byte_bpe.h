// Byte-level BPE as GPT-2 and RoBERTa use it (HF ByteLevel pre-tokenizer + BPE model):
//   1. (add_prefix_space) a space is prepended unless the segment starts with one;
//   2. the text is split with GPT-2's pattern
//        's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//      implemented by hand over utf8proc categories (gpt2_split.cc), no regex engine;
//   3. each piece's UTF-8 bytes become symbols through GPT-2's bytes-to-unicode alphabet;
//   4. adjacent symbols are merged, lowest merge rank first (leftmost on ties), until no pair
//      has a rank. A priority queue keeps long pieces O(n log n); results are cached per piece.
#ifndef INTFORMER_MODELS_TOKENIZERS_BYTE_BPE_H_
#define INTFORMER_MODELS_TOKENIZERS_BYTE_BPE_H_

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/tokenizers/token_model.h"
#include "models/tokenizers/tokenizer_settings.h"

namespace intformer {
namespace tokenizers {

// GPT-2's reversible byte -> printable code point map: printable Latin-1 bytes map to
// themselves, the other 68 bytes to U+0100.. in byte order.
char32_t ByteToUnicode(uint8_t b);

// Byte offsets [begin, end) of the GPT-2 pattern matches in valid UTF-8 `text`; they tile it.
void Gpt2Split(std::string_view text, std::vector<std::pair<size_t, size_t>>* pieces);

class ByteBpeModel : public TokenModel {
 public:
  static Status Create(Vocab vocab, std::string_view merges_txt, const TokenizerSettings& s,
                       std::unique_ptr<ByteBpeModel>* out);
  void TokenizeSegment(std::string_view utf8, std::vector<int32_t>* ids) const override;

 private:
  ByteBpeModel() = default;
  void BpePiece(std::string_view bytes, std::vector<int32_t>* ids) const;

  struct Merge {
    uint32_t rank;
    int32_t id;
  };
  static uint64_t PairKey(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }

  bool add_prefix_space_ = false;
  std::array<int32_t, 256> byte_id_{};
  std::unordered_map<uint64_t, Merge> merges_;
  // Piece -> ids cache, as HF's BPE keeps one; guarded so Encode may run on several threads.
  static constexpr size_t kCacheCapacity = 10000;
  static constexpr size_t kCacheMaxPieceBytes = 256;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_BYTE_BPE_H_
