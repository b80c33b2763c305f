// Converter side of the tokenizers: reads a Hugging Face tokenizer directory (vocab.txt, or
// vocab.json + merges.txt, plus tokenizer.json / tokenizer_config.json when present) into the
// TokenizerData a model file stores. JSON is parsed here with nlohmann-json so the runtime
// library stays free of a JSON dependency (its own vocab.json parser handles only that flat
// shape). Nothing here is on the inference path.
//
// Precedence follows transformers' fast tokenizers: tokenizer.json describes the pipeline, and
// tokenizer_config.json's do_lower_case / strip_accents / tokenize_chinese_chars /
// add_prefix_space override it (as BertTokenizerFast and RobertaTokenizerFast do on load).
// Anything we cannot reproduce exactly (another normaliser, added tokens that are normalised or
// single_word, a BPE with dropout or a continuing-subword prefix) is refused with kBadSettings
// rather than tokenized differently.
#ifndef INTFORMER_TOOLS_OFFLINE_HF_TOKENIZER_H_
#define INTFORMER_TOOLS_OFFLINE_HF_TOKENIZER_H_

#include <string>
#include <string_view>

#include "models/tokenizers/tokenizer.h"

namespace intformer {
namespace offline {

// Applies tokenizer.json (the HF tokenizers serialisation) to `s`.
tokenizers::Status ApplyHfTokenizerJson(std::string_view json, tokenizers::TokenizerSettings* s);

// Applies tokenizer_config.json (transformers' tokenizer arguments) to `s`.
tokenizers::Status ApplyHfTokenizerConfig(std::string_view json, tokenizers::TokenizerSettings* s);

// Reads `dir` (a HF model directory) into `out`: kind from the files present, settings from the
// JSON files, vocab/merges as their raw bytes.
tokenizers::Status LoadHfTokenizerDir(const std::string& dir, tokenizers::TokenizerData* out);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_HF_TOKENIZER_H_
