#include "tests/tools/tiny_bert.h"

#include <fstream>
#include <random>

namespace intformer {
namespace test {
namespace {

constexpr int kH = 8, kI = 16, kV = 24, kP = 16, kLabels = 2;

size_t Width(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64") return 8;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 4;
}

}  // namespace

std::string TinyBertConfig() {
  return "{\"model_type\":\"bert\",\"architectures\":[\"BertForSequenceClassification\"],"
         "\"vocab_size\":24,\"hidden_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2,"
         "\"intermediate_size\":16,\"hidden_act\":\"gelu\",\"max_position_embeddings\":16,"
         "\"type_vocab_size\":2,\"layer_norm_eps\":1e-12,\"pad_token_id\":0,"
         "\"id2label\":{\"0\":\"negative\",\"1\":\"positive\"}}";
}

std::vector<TinyTensor> TinyBertTensors() {
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes = {
      {"bert.embeddings.word_embeddings.weight", {kV, kH}},
      {"bert.embeddings.position_embeddings.weight", {kP, kH}},
      {"bert.embeddings.token_type_embeddings.weight", {2, kH}},
      {"bert.embeddings.LayerNorm.weight", {kH}},
      {"bert.embeddings.LayerNorm.bias", {kH}}};
  const std::string p = "bert.encoder.layer.0.";
  for (const char* lin : {"attention.self.query", "attention.self.key", "attention.self.value",
                          "attention.output.dense"}) {
    shapes.push_back({p + lin + ".weight", {kH, kH}});
    shapes.push_back({p + lin + ".bias", {kH}});
  }
  shapes.push_back({p + "intermediate.dense.weight", {kI, kH}});
  shapes.push_back({p + "intermediate.dense.bias", {kI}});
  shapes.push_back({p + "output.dense.weight", {kH, kI}});
  shapes.push_back({p + "output.dense.bias", {kH}});
  for (const char* ln : {"attention.output.LayerNorm", "output.LayerNorm"}) {
    shapes.push_back({p + ln + ".weight", {kH}});
    shapes.push_back({p + ln + ".bias", {kH}});
  }
  shapes.push_back({"bert.pooler.dense.weight", {kH, kH}});
  shapes.push_back({"bert.pooler.dense.bias", {kH}});
  shapes.push_back({"classifier.weight", {kLabels, kH}});
  shapes.push_back({"classifier.bias", {kLabels}});
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<TinyTensor> out;
  for (const auto& [name, shape] : shapes) {
    TinyTensor t;
    t.name = name;
    t.shape = shape;
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    const bool ln_weight = name.find("LayerNorm.weight") != std::string::npos;
    for (int64_t i = 0; i < n; ++i) t.values.push_back(ln_weight ? 1.0f + normal(rng) : normal(rng));
    out.push_back(std::move(t));
  }
  return out;
}

Bytes TinyBertSafetensors(const std::vector<TinyTensor>& tensors) {
  std::string header = "{";
  Bytes data;
  for (const TinyTensor& t : tensors) {
    int64_t n = 1;
    std::string dims;
    for (int64_t d : t.shape) {
      n *= d;
      dims += (dims.empty() ? "" : ",") + std::to_string(d);
    }
    const size_t begin = data.size();
    if (t.dtype == "F32") {
      const Bytes b = FloatBytes(t.values);
      data.insert(data.end(), b.begin(), b.end());
    } else {
      data.resize(data.size() + n * Width(t.dtype), 0);
    }
    header += (header.size() > 1 ? "," : "") + std::string("\"") + t.name + "\":{\"dtype\":\"" +
              t.dtype + "\",\"shape\":[" + dims + "],\"data_offsets\":[" + std::to_string(begin) +
              "," + std::to_string(data.size()) + "]}";
  }
  return MakeSafetensors(header + "}", data);
}

void WriteTinyBert(const std::string& dir, const std::vector<TinyTensor>& tensors,
                   const std::string& config) {
  const Bytes st = TinyBertSafetensors(tensors);
  std::ofstream(dir + "/model.safetensors", std::ios::binary)
      .write(reinterpret_cast<const char*>(st.data()), st.size());
  std::ofstream(dir + "/config.json") << (config.empty() ? TinyBertConfig() : config);
  std::ofstream vocab(dir + "/vocab.txt");
  for (const char* w : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "the", "film", "is",
                        "good", "bad", "not", "at", "all", "##s", "##ly", "movie", "great", ",",
                        ".", "!", "it", "dull", "fun"}) {
    vocab << w << "\n";
  }
  std::ofstream(dir + "/calib.tsv") << "sentence\tlabel\na good film\t1\nit is not fun at all\t0\n"
                                       "the movie is great !\t1\na dull , bad film .\t0\n";
}

}  // namespace test
}  // namespace intformer
