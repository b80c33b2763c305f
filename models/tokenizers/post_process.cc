// Special tokens, truncation and padding (Tokenizer::PostProcess).
//
// Truncation is HF tokenizers' LongestFirst rule, applied to the content tokens with a budget of
// max_length minus the special tokens. For a pair with n1 <= n2 content tokens (n1 the shorter):
//   keep n1 and cut the longer to budget - n1 when that still leaves it >= n1;
//   otherwise give the shorter budget / 2 and the longer budget / 2 + budget % 2.
// Before that rule, tokenizers 0.23 caps each text of a pair at max_length tokens on its own
// (measured against the library: with max_length 10, a 12-token and a 10-token text keep 3 and
// 4, a 12-token and a 9-token text keep 4 and 3), so lengths are compared after that cap.
// (Not the slow Python tokenizers' one-token-at-a-time loop, which can split differently.)
#include <algorithm>

#include "models/tokenizers/tokenizer.h"

namespace intformer {
namespace tokenizers {
namespace {

void Truncate(std::vector<int32_t>* a, std::vector<int32_t>* b, size_t max_length,
              size_t budget) {
  if (b != nullptr) {
    if (a->size() > max_length) a->resize(max_length);
    if (b->size() > max_length) b->resize(max_length);
  }
  const size_t total = a->size() + (b ? b->size() : 0);
  if (total <= budget) return;
  if (b == nullptr) {
    a->resize(budget);
    return;
  }
  size_t n1 = a->size(), n2 = b->size();
  const bool swapped = n1 > n2;
  if (swapped) std::swap(n1, n2);
  n2 = n1 > budget ? n1 : std::max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  if (swapped) std::swap(n1, n2);
  if (a->size() > n1) a->resize(n1);
  if (b->size() > n2) b->resize(n2);
}

}  // namespace

Status Tokenizer::PostProcess(std::vector<int32_t> a, std::vector<int32_t>* b,
                              const EncodeOptions& o, Encoding* out) const {
  const bool bert = settings_.kind == TokenizerKind::kWordPiece;
  const bool specials = o.add_special_tokens;
  const size_t n_special = !specials ? 0 : b == nullptr ? 2 : bert ? 3 : 4;
  if (o.max_length < 0) return Status::Error(StatusCode::kBadSettings, "max_length < 0");
  const size_t max_length = static_cast<size_t>(o.max_length);
  if (o.truncation) {
    if (max_length < n_special) {
      return Status::Error(StatusCode::kMaxLengthTooSmall,
                           "max_length " + std::to_string(max_length) + " < " +
                               std::to_string(n_special) + " special tokens");
    }
    Truncate(&a, b, max_length, max_length - n_special);
  }

  out->ids.clear();
  out->type_ids.clear();
  out->attention_mask.clear();
  auto put = [out](int32_t id, int32_t type) {
    out->ids.push_back(id);
    out->type_ids.push_back(type);
    out->attention_mask.push_back(1);
  };
  const int32_t cls = settings_.cls_id, sep = settings_.sep_id;
  if (specials) put(cls, 0);
  for (int32_t id : a) put(id, 0);
  if (specials) put(sep, 0);
  if (b != nullptr) {
    // BERT marks the second text (and its [SEP]) with type 1; RoBERTa's processor keeps 0,
    // except that without special tokens HF's default processing gives the second text type 1.
    const int32_t tb = bert || !specials ? 1 : 0;
    if (specials && !bert) put(sep, 0);
    for (int32_t id : *b) put(id, tb);
    if (specials) put(sep, tb);
  }
  if (o.pad_to_max_length) {
    while (out->ids.size() < max_length) {
      out->ids.push_back(settings_.pad_id);
      out->type_ids.push_back(settings_.pad_type_id);
      out->attention_mask.push_back(0);
    }
  }
  return Status::Ok();
}

}  // namespace tokenizers
}  // namespace intformer
