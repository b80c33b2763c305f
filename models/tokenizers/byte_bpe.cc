#include "models/tokenizers/byte_bpe.h"

#include <algorithm>
#include <queue>

#include "models/tokenizers/unicode.h"

namespace intformer {
namespace tokenizers {

char32_t ByteToUnicode(uint8_t b) {
  const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  if (printable) return b;
  // The non-printable bytes, in order, take U+0100, U+0101, ...
  uint32_t rank = 0;
  for (uint32_t x = 0; x < b; ++x) {
    if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174)) ++rank;
  }
  return 256 + rank;
}

size_t ByteBpeModel::MergeSlot(int32_t a, int32_t b) const {
  const uint64_t key =
      (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  const size_t mask = merge_slots_.size() - 1;
  // Fibonacci hashing: the product's top bits mix both ids into the slot index.
  for (size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> merge_shift_);;
       i = (i + 1) & mask) {
    const int32_t r = merge_slots_[i];
    if (r < 0 || (merges_[r].left == a && merges_[r].right == b)) return i;
  }
}

int32_t ByteBpeModel::FindMerge(int32_t a, int32_t b) const {
  return merge_slots_.empty() ? -1 : merge_slots_[MergeSlot(a, b)];
}

void ByteBpeModel::AddMerge(int32_t a, int32_t b, int32_t merged) {
  if (2 * (merges_.size() + 1) > merge_slots_.size()) {
    size_t cap = 16;
    int bits = 4;
    for (; cap < 2 * (merges_.size() + 1); cap *= 2) ++bits;
    std::vector<int32_t> old(cap, -1);
    old.swap(merge_slots_);
    merge_shift_ = 64 - bits;
    for (int32_t r : old) {
      if (r >= 0) merge_slots_[MergeSlot(merges_[r].left, merges_[r].right)] = r;
    }
  }
  const size_t slot = MergeSlot(a, b);
  merges_.push_back(Merge{a, b, merged});
  merge_slots_[slot] = static_cast<int32_t>(merges_.size() - 1);
}

Status ByteBpeModel::Create(Vocab vocab, std::string_view merges_txt, const TokenizerSettings& s,
                            std::unique_ptr<ByteBpeModel>* out) {
  std::unique_ptr<ByteBpeModel> m(new ByteBpeModel());
  m->add_prefix_space_ = s.add_prefix_space;
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    AppendUtf8(ByteToUnicode(static_cast<uint8_t>(b)), &ch);
    m->byte_id_[b] = vocab.Find(ch);
    if (m->byte_id_[b] < 0) {
      return Status::Error(StatusCode::kBadVocab,
                           "vocab.json lacks the byte-level symbol for byte " + std::to_string(b));
    }
  }
  // merges.txt: optional "#version" lines, then "left right" per line; rank = line order.
  const size_t lines = static_cast<size_t>(std::count(merges_txt.begin(), merges_txt.end(), '\n'));
  if (lines >= static_cast<size_t>(INT32_MAX)) {
    return Status::Error(StatusCode::kBadMerges, "merges.txt has too many lines");
  }
  m->merges_.reserve(lines + 1);
  size_t pos = 0, line_no = 0;
  std::string merged;
  while (pos < merges_txt.size()) {
    size_t nl = merges_txt.find('\n', pos);
    if (nl == std::string_view::npos) nl = merges_txt.size();
    std::string_view line = merges_txt.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("#version", 0) == 0) continue;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 == line.size() ||
        line.find(' ', sp + 1) != std::string_view::npos) {
      return Status::Error(StatusCode::kBadMerges,
                           "merges.txt line " + std::to_string(line_no) + " is not \"a b\"");
    }
    const std::string_view a = line.substr(0, sp), b = line.substr(sp + 1);
    const int32_t ia = vocab.Find(a), ib = vocab.Find(b);
    merged.assign(a).append(b);
    const int32_t im = vocab.Find(merged);
    if (ia < 0 || ib < 0 || im < 0) {
      return Status::Error(StatusCode::kBadMerges, "merges.txt line " + std::to_string(line_no) +
                                                       ": token not in the vocabulary");
    }
    m->AddMerge(ia, ib, im);
  }
  m->merges_.shrink_to_fit();
  m->vocab_ = std::move(vocab);
  *out = std::move(m);
  return Status::Ok();
}

void ByteBpeModel::TokenizeSegment(std::string_view utf8, std::vector<int32_t>* ids) const {
  std::string prefixed;
  if (add_prefix_space_ && (utf8.empty() || utf8.front() != ' ')) {
    prefixed.reserve(utf8.size() + 1);
    prefixed.push_back(' ');
    prefixed.append(utf8);
    utf8 = prefixed;
  }
  std::vector<std::pair<size_t, size_t>> pieces;
  Gpt2Split(utf8, &pieces);
  for (const auto& p : pieces) BpePiece(utf8.substr(p.first, p.second - p.first), ids);
}

void ByteBpeModel::BpePiece(std::string_view bytes, std::vector<int32_t>* ids) const {
  const bool cacheable = bytes.size() <= kCacheMaxPieceBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(std::string(bytes));
    if (it != cache_.end()) {
      ids->insert(ids->end(), it->second.begin(), it->second.end());
      return;
    }
  }
  // Symbols in a doubly linked list over the original byte positions; a merge keeps the left
  // position and retires the right one.
  const int32_t n = static_cast<int32_t>(bytes.size());
  std::vector<int32_t> sym(n), prev(n), next(n);
  for (int32_t i = 0; i < n; ++i) {
    sym[i] = byte_id_[static_cast<unsigned char>(bytes[i])];
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Cand {
    int32_t rank;
    int32_t pos, left, right;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
  auto push = [&](int32_t i) {
    if (i < 0 || next[i] < 0) return;
    const int32_t rank = FindMerge(sym[i], sym[next[i]]);
    if (rank >= 0) heap.push(Cand{rank, i, sym[i], sym[next[i]]});
  };
  for (int32_t i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    const Cand c = heap.top();
    heap.pop();
    const int32_t r = next[c.pos];
    // Stale entry: either side changed since it was queued (ids only ever grow into longer
    // tokens, so equal ids mean the same pair).
    if (sym[c.pos] != c.left || r < 0 || sym[r] != c.right) continue;
    sym[c.pos] = merges_[static_cast<size_t>(c.rank)].merged;
    sym[r] = -1;
    next[c.pos] = next[r];
    if (next[r] >= 0) prev[next[r]] = c.pos;
    push(prev[c.pos]);
    push(c.pos);
  }
  const size_t first = ids->size();
  for (int32_t i = 0; i >= 0 && i < n; i = next[i]) ids->push_back(sym[i]);
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    const size_t cost = kCacheEntryOverhead + bytes.size() + (ids->size() - first) * sizeof(int32_t);
    if (cache_bytes_ + cost <= kCacheBudgetBytes &&
        cache_.emplace(std::string(bytes), std::vector<int32_t>(ids->begin() + first, ids->end()))
            .second) {
      cache_bytes_ += cost;
    }
  }
}

}  // namespace tokenizers
}  // namespace intformer
