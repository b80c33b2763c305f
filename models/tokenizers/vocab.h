// Token string <-> id for the tokenization models, laid out for a small heap: a BERT-base or
// RoBERTa vocabulary lives in a handful of flat arrays (about 0.7 MiB for 30,522 WordPiece tokens)
// instead of one node per token in two node-based maps (about 3 MiB), and a lookup by
// std::string_view never allocates, which the WordPiece longest-match loop does per candidate.
//
// Layout:
//   bytes_   every token's bytes, appended in Set order into one arena;
//   spans_   id -> {offset, length} into bytes_ (offset kUnset: no token has that id);
//   slots_   open-addressing hash table (linear probing, power-of-two capacity >= 2x the number
//            of distinct tokens) token -> id. A slot holds the id itself and the key is compared
//            through spans_[id], so a mapped token costs 4 bytes of table and no second copy.
//   aliases_ the rare token -> id mapping whose token is no longer that id's token (a
//            vocabulary that gives one id two tokens); the slot then holds -2 - alias index.
// Semantics are those of the two maps it replaces (and of HF's loaders): Set overwrites, the later
// line wins in both directions, and ids that no token maps to read as "".
#ifndef INTFORMER_MODELS_TOKENIZERS_VOCAB_H_
#define INTFORMER_MODELS_TOKENIZERS_VOCAB_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intformer {
namespace tokenizers {

class Vocab {
 public:
  // token -> id, or -1 if no Set gave `token` an id.
  int32_t Find(std::string_view token) const;
  // id -> token; "" for ids out of range or that no token maps to.
  std::string_view Token(int32_t id) const;
  // Highest id Set so far + 1 (ids need not be dense).
  size_t size() const { return spans_.size(); }
  // True if Set never succeeded.
  bool empty() const { return count_ == 0; }

  // Maps token -> id and id -> token, overwriting either direction's previous entry. Returns false
  // (and changes nothing) for a negative id or once the arena would pass 4 GiB of token bytes.
  bool Set(std::string_view token, int32_t id);
  // Preallocates for about `tokens` tokens totalling `bytes` bytes, so loading does not regrow.
  void Reserve(size_t tokens, size_t bytes);
  // Drops the spare capacity left by loading; call once the vocabulary is complete.
  void ShrinkToFit();

  // Heap bytes held (capacity, not size): for the tests and memory measurements.
  size_t HeapBytes() const;

 private:
  struct Span {
    uint32_t offset, length;
  };
  struct Alias {
    Span key;
    int32_t id;
  };
  static constexpr uint32_t kUnset = UINT32_MAX;
  static constexpr int32_t kEmpty = -1;

  static uint64_t Hash(std::string_view s);
  std::string_view Bytes(Span s) const { return std::string_view(bytes_.data() + s.offset, s.length); }
  // The token a slot value maps from; `v` is an id (>= 0) or an alias (<= -2).
  std::string_view KeyOf(int32_t v) const;
  // Index of the slot holding `token`, or of the empty slot where it would go.
  size_t Probe(std::string_view token) const;
  void Rehash(size_t capacity);

  std::string bytes_;
  std::vector<Span> spans_;
  std::vector<int32_t> slots_;
  std::vector<Alias> aliases_;
  size_t count_ = 0;  // occupied slots
};

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_VOCAB_H_
