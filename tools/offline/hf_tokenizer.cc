#include "tools/offline/hf_tokenizer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace intformer {
namespace offline {
namespace {

using nlohmann::json;
using tokenizers::Status;
using tokenizers::StatusCode;
using tokenizers::TokenizerKind;
using tokenizers::TokenizerSettings;

Status Bad(const std::string& what) { return Status::Error(StatusCode::kBadSettings, what); }

// Reads a boolean member if present and boolean; a present non-boolean is an error.
bool GetBool(const json& j, const char* key, bool* dst, Status* st) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    *st = Bad(std::string(key) + " is not a boolean");
    return false;
  }
  *dst = it->get<bool>();
  return true;
}

Status ParseObject(std::string_view text, const char* name, json* out) {
  *out = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) return Bad(std::string(name) + " is not a JSON object");
  return Status::Ok();
}

// ["<s>", 0] in BertProcessing / RobertaProcessing.
bool SpecialPair(const json& j, int32_t* id) {
  if (!j.is_array() || j.size() != 2 || !j[1].is_number_integer()) return false;
  *id = j[1].get<int32_t>();
  return true;
}

Status ApplyJson(const json& j, TokenizerSettings* s) {
  Status st;
  const bool bert = s->kind == TokenizerKind::kWordPiece;
  if (auto m = j.find("model"); m != j.end() && m->is_object()) {
    const std::string type = m->value("type", "");
    if (bert && type != "WordPiece") return Bad("model.type " + type + ", expected WordPiece");
    if (!bert && type != "BPE") return Bad("model.type " + type + ", expected BPE");
    if (bert) {
      if (m->value("continuing_subword_prefix", "##") != "##") return Bad("prefix is not ##");
      auto mi = m->find("max_input_chars_per_word");
      if (mi != m->end() && mi->is_number_integer()) s->max_input_chars_per_word = mi->get<int32_t>();
    } else {
      for (const char* k : {"dropout", "continuing_subword_prefix", "end_of_word_suffix"}) {
        if (m->contains(k) && !(*m)[k].is_null()) return Bad(std::string("BPE ") + k + " unsupported");
      }
    }
  }
  if (auto n = j.find("normalizer"); n != j.end() && !n->is_null()) {
    if (!bert || n->value("type", "") != "BertNormalizer") return Bad("unsupported normalizer");
    GetBool(*n, "clean_text", &s->clean_text, &st);
    GetBool(*n, "handle_chinese_chars", &s->handle_chinese_chars, &st);
    GetBool(*n, "lowercase", &s->lowercase, &st);
    s->strip_accents = s->lowercase;  // HF: strip_accents null follows lowercase
    GetBool(*n, "strip_accents", &s->strip_accents, &st);
  } else if (bert && j.contains("normalizer")) {
    s->clean_text = s->handle_chinese_chars = s->strip_accents = s->lowercase = false;
  }
  if (auto p = j.find("pre_tokenizer"); p != j.end() && !p->is_null()) {
    const std::string type = p->value("type", "");
    if (bert && type != "BertPreTokenizer") return Bad("unsupported pre_tokenizer " + type);
    if (!bert) {
      if (type != "ByteLevel" || !p->value("use_regex", true)) return Bad("need ByteLevel+regex");
      GetBool(*p, "add_prefix_space", &s->add_prefix_space, &st);
    }
  }
  if (auto pp = j.find("post_processor"); pp != j.end() && pp->is_object()) {
    const std::string type = pp->value("type", "");
    if (type != (bert ? "BertProcessing" : "RobertaProcessing") && type != "TemplateProcessing") {
      return Bad("unsupported post_processor " + type);
    }
    if (type != "TemplateProcessing") {
      if (pp->contains("cls") && !SpecialPair((*pp)["cls"], &s->cls_id)) return Bad("bad cls");
      if (pp->contains("sep") && !SpecialPair((*pp)["sep"], &s->sep_id)) return Bad("bad sep");
    }
  }
  if (auto at = j.find("added_tokens"); at != j.end() && at->is_array()) {
    s->added_tokens.clear();
    for (const json& t : *at) {
      if (!t.is_object() || !t.contains("id") || !t["id"].is_number_integer()) {
        return Bad("added token without an id");
      }
      if (t.value("normalized", false) || t.value("single_word", false)) {
        return Bad("added token " + t.value("content", std::string()) +
                   ": normalized/single_word tokens are not supported");
      }
      tokenizers::AddedToken a;
      a.id = t["id"].get<int32_t>();
      a.lstrip = t.value("lstrip", false);
      a.rstrip = t.value("rstrip", false);
      s->added_tokens.push_back(a);
    }
  }
  return st;
}

Status ApplyConfig(const json& j, TokenizerSettings* s) {
  Status st;
  if (s->kind == TokenizerKind::kWordPiece) {
    if (GetBool(j, "do_lower_case", &s->lowercase, &st)) s->strip_accents = s->lowercase;
    GetBool(j, "strip_accents", &s->strip_accents, &st);
    GetBool(j, "tokenize_chinese_chars", &s->handle_chinese_chars, &st);
  } else {
    GetBool(j, "add_prefix_space", &s->add_prefix_space, &st);
  }
  // model_max_length may be a huge float ("unlimited"); only a sane integer is taken.
  auto m = j.find("model_max_length");
  if (m != j.end() && m->is_number_integer() && m->get<int64_t>() > 0 &&
      m->get<int64_t>() <= (1 << 20)) {
    s->encode.max_length = static_cast<int32_t>(m->get<int64_t>());
  }
  return st;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return static_cast<bool>(f) || f.eof();
}

// For directories that ship only tokenizer.json: the model's vocab (and merges) re-expressed as
// the vocab.txt / vocab.json + merges.txt bytes the runtime takes.
Status VocabFromTokenizerJson(const json& j, tokenizers::TokenizerData* d) {
  auto m = j.find("model");
  if (m == j.end() || !m->is_object() || !m->contains("vocab") || !(*m)["vocab"].is_object()) {
    return Bad("tokenizer.json has no model.vocab");
  }
  const json& vocab = (*m)["vocab"];
  const std::string type = m->value("type", "");
  if (type == "WordPiece") {
    std::vector<std::string> by_id;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
      const int64_t id = it.value().get<int64_t>();
      if (id < 0 || id > (1 << 24)) return Bad("vocab id out of range");
      if (static_cast<size_t>(id) >= by_id.size()) by_id.resize(static_cast<size_t>(id) + 1);
      by_id[static_cast<size_t>(id)] = it.key();
    }
    d->settings = tokenizers::BertSettings();
    for (const std::string& t : by_id) d->vocab += t + "\n";
    return Status::Ok();
  }
  if (type != "BPE") return Bad("tokenizer.json model.type " + type + " unsupported");
  d->settings = tokenizers::RobertaSettings();
  d->vocab = vocab.dump();
  d->merges = "#version: 0.2\n";
  for (const json& mg : m->value("merges", json::array())) {
    if (mg.is_string()) {
      d->merges += mg.get<std::string>() + "\n";
    } else if (mg.is_array() && mg.size() == 2) {
      d->merges += mg[0].get<std::string>() + " " + mg[1].get<std::string>() + "\n";
    } else {
      return Bad("bad merge entry in tokenizer.json");
    }
  }
  return Status::Ok();
}

template <class F>
Status Guard(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Bad(std::string("tokenizer JSON: ") + e.what());
  }
}

}  // namespace

Status ApplyHfTokenizerJson(std::string_view text, TokenizerSettings* s) {
  return Guard([&] {
    json j;
    Status st = ParseObject(text, "tokenizer.json", &j);
    return st.ok() ? ApplyJson(j, s) : st;
  });
}

Status ApplyHfTokenizerConfig(std::string_view text, TokenizerSettings* s) {
  return Guard([&] {
    json j;
    Status st = ParseObject(text, "tokenizer_config.json", &j);
    return st.ok() ? ApplyConfig(j, s) : st;
  });
}

Status LoadHfTokenizerDir(const std::string& dir, tokenizers::TokenizerData* out) {
  tokenizers::TokenizerData d;
  const std::string p = dir + "/";
  if (ReadFile(p + "vocab.json", &d.vocab)) {
    if (!ReadFile(p + "merges.txt", &d.merges)) {
      return Status::Error(StatusCode::kIoError, p + "merges.txt missing next to vocab.json");
    }
    d.settings = tokenizers::RobertaSettings();
  } else if (ReadFile(p + "vocab.txt", &d.vocab)) {
    d.settings = tokenizers::BertSettings();
  }
  std::string text;
  const bool have_json = ReadFile(p + "tokenizer.json", &text);
  if (d.vocab.empty()) {
    if (!have_json) {
      return Status::Error(StatusCode::kIoError, "no vocab.txt, vocab.json or tokenizer.json in " + dir);
    }
    Status st = Guard([&] {
      json j;
      Status s2 = ParseObject(text, "tokenizer.json", &j);
      return s2.ok() ? VocabFromTokenizerJson(j, &d) : s2;
    });
    if (!st.ok()) return st;
  }
  if (have_json) {
    Status st = ApplyHfTokenizerJson(text, &d.settings);
    if (!st.ok()) return st;
  }
  if (ReadFile(p + "tokenizer_config.json", &text)) {
    Status st = ApplyHfTokenizerConfig(text, &d.settings);
    if (!st.ok()) return st;
  }
  *out = std::move(d);
  return Status::Ok();
}

}  // namespace offline
}  // namespace intformer
