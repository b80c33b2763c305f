// `intformer tokenize`: the token ids a model sees, one JSON line per text (or pair):
//   {"ids": [101, 7592, 2088, 102], "type_ids": [0, 0, 0, 0]}
// --model is a converted file (its stored tokenizer, through the C API) or a Hugging Face
// directory (tokenizer files read by the converter's loader): both must print the same ids,
// which is how a conversion's tokenizer is checked against its source.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "models/tokenizers/tokenizer.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "tools/offline/hf_tokenizer.h"

namespace intformer {
namespace cli {
namespace {

struct TokenizeArgs {
  std::string model;
  TextSource source;
  size_t max_seq = 0;  // 0: the model's limit
};

void PrintIds(const int32_t* ids, const int32_t* type_ids, size_t n) {
  std::string line = "{\"ids\": [";
  for (size_t i = 0; i < n; ++i) line += (i ? ", " : "") + std::to_string(ids[i]);
  line += "], \"type_ids\": [";
  for (size_t i = 0; i < n; ++i) line += (i ? ", " : "") + std::to_string(type_ids[i]);
  line += "]}\n";
  std::fputs(line.c_str(), stdout);
}

int TokenizeHf(const TokenizeArgs& args, const std::vector<TextRow>& rows) {
  tokenizers::TokenizerData data;
  std::unique_ptr<tokenizers::Tokenizer> tokenizer;
  tokenizers::Status ts = offline::LoadHfTokenizerDir(args.model, &data);
  if (ts.ok()) ts = tokenizers::Tokenizer::Create(data, &tokenizer);
  if (!ts.ok()) {
    return FailStatus("tokenize", INTFORMER_ERROR_TOKENIZER,
                      std::string(tokenizers::StatusCodeName(ts.code)) + ": " + ts.message);
  }
  tokenizers::EncodeOptions options = tokenizer->settings().encode;
  if (args.max_seq > 0) options.max_length = static_cast<int32_t>(args.max_seq);
  for (size_t i = 0; i < rows.size(); ++i) {
    tokenizers::Encoding enc;
    const std::string_view b(rows[i].b);
    ts = tokenizer->Encode(rows[i].a, rows[i].has_b ? &b : nullptr, options, &enc);
    if (!ts.ok()) {
      return FailStatus("tokenize", INTFORMER_ERROR_TOKENIZER,
                        "row " + std::to_string(i) + ": " + ts.message);
    }
    PrintIds(enc.ids.data(), enc.type_ids.data(), enc.size());
  }
  return 0;
}

int TokenizeFile(const TokenizeArgs& args, const std::vector<TextRow>& rows) {
  intformer_model* model = nullptr;
  intformer_model_info info;
  intformer_status s = intformer_model_load(args.model.c_str(), &model);
  if (s == INTFORMER_OK) s = intformer_model_get_info(model, &info);
  if (s != INTFORMER_OK) {
    intformer_model_destroy(model);
    return FailStatus("tokenize", s, intformer_last_error());
  }
  const size_t max_tokens = args.max_seq > 0 ? args.max_seq : info.max_seq;
  std::vector<int32_t> ids(max_tokens), type_ids(max_tokens);
  int rc = 0;
  for (size_t i = 0; i < rows.size() && rc == 0; ++i) {
    size_t n = 0;
    s = intformer_model_tokenize(model, rows[i].a.c_str(),
                                 rows[i].has_b ? rows[i].b.c_str() : nullptr, max_tokens,
                                 ids.data(), type_ids.data(), &n);
    if (s != INTFORMER_OK) {
      rc = FailStatus("tokenize", s, "row " + std::to_string(i) + ": " + intformer_last_error());
    } else {
      PrintIds(ids.data(), type_ids.data(), n);
    }
  }
  intformer_model_destroy(model);
  return rc;
}

int RunTokenize(const TokenizeArgs& args) {
  std::vector<TextRow> rows;
  std::string error;
  if (!args.source.Read(&rows, &error)) return Fail("tokenize", error);
  return IsHfDirectory(args.model) ? TokenizeHf(args, rows) : TokenizeFile(args, rows);
}

}  // namespace

void RegisterTokenize(CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize", "Print the token ids (and type ids) of texts or pairs as JSON, one line each");
  cmd->add_option("-m,--model", args->model, "Model file (.ifm) or Hugging Face directory")
      ->required();
  args->source.AddOptions(cmd);
  cmd->add_option("--max-seq", args->max_seq,
                  "Truncate to this many tokens, special tokens included (default: the model's "
                  "limit)");
  cmd->callback([args]() {
    const int rc = RunTokenize(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace cli
}  // namespace intformer
