// A strict parser for the one JSON shape a BPE vocab.json has: a flat object mapping token
// strings to non-negative integer ids. Hand-written so the runtime library carries no JSON
// dependency (the full tokenizer.json is read converter-side, tools/offline/hf_tokenizer.h).
// Handles every string escape, \uXXXX surrogate pairs included; rejects anything else.
#ifndef INTFORMER_MODELS_TOKENIZERS_VOCAB_JSON_H_
#define INTFORMER_MODELS_TOKENIZERS_VOCAB_JSON_H_

#include <string_view>

#include "models/tokenizers/token_model.h"
#include "models/tokenizers/tokenizer_settings.h"

namespace intformer {
namespace tokenizers {

Status ParseVocabJson(std::string_view json, Vocab* vocab);

}  // namespace tokenizers
}  // namespace intformer

#endif  // INTFORMER_MODELS_TOKENIZERS_VOCAB_JSON_H_
