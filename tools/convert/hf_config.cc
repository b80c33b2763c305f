#include "tools/convert/hf_config.h"

#include <nlohmann/json.hpp>

#include "tools/convert/checkpoint.h"

namespace intformer {
namespace convert {
namespace {

using nlohmann::json;

// Reads j[key] as a positive (or, with min 0, non-negative) int; absent uses `def` when def >= 0.
Status GetInt(const json& j, const char* key, int def, int min, int* out, const std::string& origin) {
  if (!j.contains(key) || j[key].is_null()) {
    if (def < 0) return Status(StatusCode::kBadConfig, origin + ": missing " + key);
    *out = def;
    return Status::Ok();
  }
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > (1 << 30)) {
    return Status(StatusCode::kBadConfig, origin + ": " + key + " is not an integer >= " +
                                              std::to_string(min));
  }
  *out = v.get<int>();
  return Status::Ok();
}

}  // namespace

const char* ModelTypeName(ModelType t) { return t == ModelType::kBert ? "bert" : "roberta"; }

Result<HfConfig> ParseHfConfig(const std::string& text, const std::string& origin) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status(StatusCode::kBadJson, origin + ": not a JSON object");
  }
  HfConfig c;
  if (!j.contains("model_type") || !j["model_type"].is_string()) {
    return Status(StatusCode::kBadConfig, origin + ": missing model_type");
  }
  const std::string mt = j["model_type"].get<std::string>();
  if (mt == "bert") {
    c.model_type = ModelType::kBert;
  } else if (mt == "roberta") {
    c.model_type = ModelType::kRoberta;
  } else {
    return Status(StatusCode::kUnsupportedModel,
                  origin + ": model_type \"" + mt + "\" is not supported (bert, roberta)");
  }
  const bool roberta = c.model_type == ModelType::kRoberta;
  const std::string act = j.contains("hidden_act") && j["hidden_act"].is_string()
                              ? j["hidden_act"].get<std::string>()
                              : (j.contains("hidden_act") ? "<non-string>" : "gelu");
  if (act != "gelu") {
    return Status(StatusCode::kUnsupportedActivation,
                  origin + ": hidden_act \"" + act + "\" is not supported; only \"gelu\" (exact erf)");
  }
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "vocab_size", -1, 1, &c.vocab_size, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "hidden_size", -1, 1, &c.hidden_size, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "num_hidden_layers", -1, 1, &c.num_layers, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "num_attention_heads", -1, 1, &c.num_heads, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "intermediate_size", -1, 1, &c.intermediate_size, origin));
  INTFORMER_RETURN_IF_ERROR(
      GetInt(j, "max_position_embeddings", 512, 1, &c.max_position_embeddings, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "type_vocab_size", 2, 1, &c.type_vocab_size, origin));
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "pad_token_id", roberta ? 1 : 0, 0, &c.pad_token_id, origin));
  if (c.hidden_size % c.num_heads != 0) {
    return Status(StatusCode::kBadConfig, origin + ": hidden_size " + std::to_string(c.hidden_size) +
                                              " is not a multiple of num_attention_heads " +
                                              std::to_string(c.num_heads));
  }
  if (c.pad_token_id >= c.vocab_size) {
    return Status(StatusCode::kBadConfig, origin + ": pad_token_id outside the vocabulary");
  }
  if (roberta && c.max_position_embeddings <= c.pad_token_id + 1) {
    return Status(StatusCode::kBadConfig, origin + ": max_position_embeddings leaves no positions");
  }
  c.layer_norm_eps = 1e-12;
  if (j.contains("layer_norm_eps")) {
    if (!j["layer_norm_eps"].is_number() || !(j["layer_norm_eps"].get<double>() > 0)) {
      return Status(StatusCode::kBadConfig, origin + ": layer_norm_eps is not a positive number");
    }
    c.layer_norm_eps = j["layer_norm_eps"].get<double>();
  }

  // Labels: num_labels, else the size of id2label, else HF's default of 2.
  int from_map = 0;
  if (j.contains("id2label")) {
    if (!j["id2label"].is_object()) return Status(StatusCode::kBadConfig, origin + ": id2label is not an object");
    from_map = static_cast<int>(j["id2label"].size());
  }
  INTFORMER_RETURN_IF_ERROR(GetInt(j, "num_labels", from_map > 0 ? from_map : 2, 1, &c.num_labels, origin));
  if (from_map > 0 && from_map != c.num_labels) {
    return Status(StatusCode::kBadConfig, origin + ": num_labels " + std::to_string(c.num_labels) +
                                              " but id2label has " + std::to_string(from_map));
  }
  c.id2label.resize(static_cast<size_t>(c.num_labels));
  for (int i = 0; i < c.num_labels; ++i) {
    const std::string key = std::to_string(i);
    if (from_map > 0) {
      if (!j["id2label"].contains(key) || !j["id2label"][key].is_string()) {
        return Status(StatusCode::kBadConfig, origin + ": id2label lacks a string for " + key);
      }
      c.id2label[static_cast<size_t>(i)] = j["id2label"][key].get<std::string>();
    } else {
      c.id2label[static_cast<size_t>(i)] = "LABEL_" + key;
    }
  }
  if (j.contains("problem_type") && !j["problem_type"].is_null()) {
    const std::string pt = j["problem_type"].is_string() ? j["problem_type"].get<std::string>() : "?";
    if (pt == "single_label_classification") {
      c.problem_type = ProblemType::kSingleLabelClassification;
    } else if (pt == "regression") {
      c.problem_type = ProblemType::kRegression;
    } else {
      return Status(StatusCode::kBadConfig, origin + ": problem_type \"" + pt +
                                                "\" (single_label_classification or regression)");
    }
  } else if (c.num_labels == 1) {
    c.problem_type = ProblemType::kRegression;  // HF infers regression from one label
  }
  if (c.problem_type == ProblemType::kRegression && c.num_labels != 1) {
    return Status(StatusCode::kBadConfig, origin + ": regression needs num_labels 1");
  }
  return c;
}

Result<HfConfig> LoadHfConfig(const std::string& dir_or_file) {
  std::string path = dir_or_file;
  if (path.size() < 5 || path.compare(path.size() - 5, 5, ".json") != 0) path += "/config.json";
  std::vector<uint8_t> bytes;
  INTFORMER_RETURN_IF_ERROR(ReadFileBytes(path, &bytes));
  return ParseHfConfig(std::string(bytes.begin(), bytes.end()), path);
}

}  // namespace convert
}  // namespace intformer
