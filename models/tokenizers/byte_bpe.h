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
#include <unordered_map>  // the piece cache
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

  // merges.txt line `rank` (comments skipped): symbols left + right become `merged`.
  struct Merge {
    int32_t left, right, merged;
  };
  // Rank of the merge of (a, b), or -1. Never allocates.
  int32_t FindMerge(int32_t a, int32_t b) const;
  void AddMerge(int32_t a, int32_t b, int32_t merged);
  size_t MergeSlot(int32_t a, int32_t b) const;

  bool add_prefix_space_ = false;
  std::array<int32_t, 256> byte_id_{};
  // The merges in rank order plus an open-addressing table of ranks (-1 empty, at most half
  // full) keyed by the pair: 12 + ~8 bytes a merge (RoBERTa: 50k merges, ~1 MiB) where a node map
  // took ~2 MiB. A repeated pair takes the later line's rank, as HF's BPE builder does.
  std::vector<Merge> merges_;
  std::vector<int32_t> merge_slots_;
  int merge_shift_ = 64;
  // Piece -> ids cache, as HF's BPE keeps one (it halves tokenizing time on GLUE text); guarded
  // so Encode may run on several threads. Like HF's it stops filling when full, but full is a
  // heap budget, not an entry count: 10,000 entries of 256-byte pieces could hold ~13 MiB, most
  // of the process's whole allowance over the model file. 1 MiB caches ~7,000 typical words.
  static constexpr size_t kCacheBudgetBytes = size_t{1} << 20;
  static constexpr size_t kCacheMaxPieceBytes = 256;
  // An entry's fixed heap cost as glibc malloc counts it: node (key, vector, link, hash: 80),
  // bucket (8), the ids' smallest chunk (32), rounding.
  static constexpr size_t kCacheEntryOverhead = 128;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
  mutable size_t cache_bytes_ = 0;
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_BYTE_BPE_H_
