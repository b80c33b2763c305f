#include "models/tokenizers/vocab.h"

#include <algorithm>
#include <functional>

namespace intformer {
namespace tokenizers {
namespace {

constexpr size_t kMinSlots = 16;

// Smallest power of two >= 2 * n (and >= kMinSlots): the table stays at most half full, so a
// probe sequence is short and always ends at an empty slot.
size_t SlotsFor(size_t n) {
  size_t c = kMinSlots;
  while (c < 2 * n) c *= 2;
  return c;
}

}  // namespace

// FNV-1a over the bytes, then the high half folded into the low one: the table indexes with the
// low bits, and FNV's low bits alone mix the last byte weakly.
uint64_t Vocab::Hash(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h ^ (h >> 32);
}

std::string_view Vocab::KeyOf(int32_t v) const {
  return v >= 0 ? Bytes(spans_[static_cast<size_t>(v)])
                : Bytes(aliases_[static_cast<size_t>(-2 - v)].key);
}

size_t Vocab::Probe(std::string_view token) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = static_cast<size_t>(Hash(token)) & mask;; i = (i + 1) & mask) {
    const int32_t v = slots_[i];
    if (v == kEmpty || KeyOf(v) == token) return i;
  }
}

int32_t Vocab::Find(std::string_view token) const {
  if (slots_.empty()) return -1;
  const int32_t v = slots_[Probe(token)];
  if (v == kEmpty) return -1;
  return v >= 0 ? v : aliases_[static_cast<size_t>(-2 - v)].id;
}

std::string_view Vocab::Token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= spans_.size()) return std::string_view();
  const Span s = spans_[static_cast<size_t>(id)];
  return s.offset == kUnset ? std::string_view() : Bytes(s);
}

void Vocab::Rehash(size_t capacity) {
  std::vector<int32_t> old(capacity, kEmpty);
  old.swap(slots_);
  for (int32_t v : old) {
    if (v != kEmpty) slots_[Probe(KeyOf(v))] = v;
  }
}

void Vocab::Reserve(size_t tokens, size_t bytes) {
  bytes_.reserve(bytes);
  spans_.reserve(tokens);
  if (SlotsFor(tokens) > slots_.size()) Rehash(SlotsFor(tokens));
}

bool Vocab::Set(std::string_view token, int32_t id) {
  if (id < 0 || token.size() >= kUnset - bytes_.size()) return false;
  const size_t i = static_cast<size_t>(id);
  // Everything that may throw (std::bad_alloc) happens before the first change of state.
  if (i >= spans_.size()) spans_.resize(i + 1, Span{kUnset, 0});
  if (2 * (count_ + 1) > slots_.size()) Rehash(SlotsFor(count_ + 1));
  if (aliases_.size() == aliases_.capacity()) {
    aliases_.reserve(std::max<size_t>(4, 2 * aliases_.size()));
  }
  if (bytes_.capacity() - bytes_.size() < token.size()) {
    // `token` may view bytes_ itself (Set(v.Token(a), b)): re-point it after the reallocation.
    const char* base = bytes_.data();
    const std::less<const char*> lt;
    const bool inside = !lt(token.data(), base) && lt(token.data(), base + bytes_.size());
    const size_t off = inside ? static_cast<size_t>(token.data() - base) : 0;
    bytes_.reserve(std::max(2 * bytes_.capacity(), bytes_.size() + token.size()));
    if (inside) token = std::string_view(bytes_.data() + off, token.size());
  }

  const size_t slot = Probe(token);
  // The id's previous token keeps mapping to it (token -> id is only overwritten by a Set of
  // that token), but its slot can no longer find its key through spans_[id]: make it an alias.
  if (spans_[i].offset != kUnset) {
    const std::string_view old = Bytes(spans_[i]);
    if (old != token) {
      const size_t old_slot = Probe(old);
      if (slots_[old_slot] == id) {
        aliases_.push_back(Alias{spans_[i], id});
        slots_[old_slot] = -2 - static_cast<int32_t>(aliases_.size() - 1);
      }
    }
  }
  // Reuse the bytes when the token is already stored (a repeated line); else append them (the
  // capacity is there, so the append cannot move the bytes `token` may view).
  const int32_t prev = slots_[slot];
  Span span;
  if (prev != kEmpty && prev >= 0) {
    span = spans_[static_cast<size_t>(prev)];
  } else if (prev != kEmpty) {
    span = aliases_[static_cast<size_t>(-2 - prev)].key;
  } else {
    span = Span{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(token.size())};
    bytes_.append(token.data(), token.size());
    ++count_;
  }
  spans_[i] = span;
  slots_[slot] = id;
  return true;
}

void Vocab::ShrinkToFit() {
  bytes_.shrink_to_fit();
  spans_.shrink_to_fit();
  aliases_.shrink_to_fit();
}

size_t Vocab::HeapBytes() const {
  return bytes_.capacity() + spans_.capacity() * sizeof(Span) +
         slots_.capacity() * sizeof(int32_t) + aliases_.capacity() * sizeof(Alias);
}

}  // namespace tokenizers
}  // namespace intformer
