// Fuzz target: the tokenizers on arbitrary bytes (invalid UTF-8, NULs, added-token look-alikes,
// huge words), single texts and pairs, with and without truncation and padding.
// The vocabularies are real: the bundled model's WordPiece (models/bundled/sst2-bert-tiny) and
// the RoBERTa fixture's byte-level BPE when INTFORMER_FIXTURES_DIR has it.
//
// Input layout: byte 0 = flags (bit 0: BPE, bit 1: pair, bit 2: no truncation, bit 3: pad,
// bit 4: no special tokens), byte 1 = max_length, byte 2 = where the pair splits the rest.
// Invariants checked beyond "no crash": on success every id is inside the vocabulary, the three
// output arrays have one length, and truncation keeps that length within max_length.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/tokenizers/tokenizer.h"
#include "tools/offline/hf_tokenizer.h"

namespace {

using intformer::tokenizers::Tokenizer;

std::unique_ptr<Tokenizer> Load(const std::string& dir) {
  intformer::tokenizers::TokenizerData data;
  if (!intformer::offline::LoadHfTokenizerDir(dir, &data).ok()) return nullptr;
  std::unique_ptr<Tokenizer> t;
  if (!Tokenizer::Create(data, &t).ok()) return nullptr;
  return t;
}

std::unique_ptr<Tokenizer> g_wordpiece, g_bpe;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_wordpiece = Load(std::string(INTFORMER_SOURCE_DIR) + "/models/bundled/sst2-bert-tiny");
  g_bpe = Load(std::string(INTFORMER_FIXTURES_DIR) + "/models/sst2-roberta-tiny");
  if (g_wordpiece == nullptr) std::abort();  // the bundled model is part of the tree
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  const Tokenizer* t = (flags & 1) && g_bpe ? g_bpe.get() : g_wordpiece.get();
  intformer::tokenizers::EncodeOptions o = t->settings().encode;
  o.truncation = (flags & 4) == 0;
  o.pad_to_max_length = (flags & 8) != 0;
  o.add_special_tokens = (flags & 16) == 0;
  o.max_length = data[1];
  const std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
  const size_t cut = rest.size() * data[2] / 256;
  const std::string_view a = (flags & 2) ? rest.substr(0, cut) : rest;
  const std::string_view b = rest.substr(cut);
  intformer::tokenizers::Encoding e;
  const auto status = t->Encode(a, (flags & 2) ? &b : nullptr, o, &e);
  if (!status.ok()) return 0;
  const size_t vocab = t->vocab_size();
  if (e.type_ids.size() != e.ids.size() || e.attention_mask.size() != e.ids.size()) std::abort();
  for (int32_t id : e.ids) {
    if (id < 0 || static_cast<size_t>(id) >= vocab) std::abort();
  }
  if (o.truncation && o.max_length > 0 && e.ids.size() > static_cast<size_t>(o.max_length)) {
    std::abort();
  }
  std::vector<int32_t> ids;
  (void)t->Tokenize(a, &ids);
  return 0;
}
