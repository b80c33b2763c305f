// Shared helpers of the encoder and converter tests: the real fixtures (sst2-bert-tiny,
// sst2-roberta-tiny, GLUE SST-2), converted once per test binary into a temporary directory.
#ifndef INTFORMER_TESTS_MODELS_BERT_BERT_TEST_UTIL_H_
#define INTFORMER_TESTS_MODELS_BERT_BERT_TEST_UTIL_H_

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "models/encoder.h"
#include "models/format_writer.h"
#include "tools/convert/convert.h"

namespace intformer {
namespace test {

inline std::string FixturePath(const std::string& rel) {
  return std::string(INTFORMER_FIXTURES_DIR) + "/" + rel;
}
inline std::string ModelDir(const std::string& name) { return FixturePath("models/" + name); }
inline std::string Sst2Train() { return FixturePath("glue/SST-2/train.tsv"); }

// A per-process temporary directory, removed at exit. The name lives on the heap for the whole
// process: the atexit handler is registered before a function-local static would finish
// construction, so it would run after that static's destructor (a use after free ASan caught).
inline const std::string& TempDir() {
  static const std::string* dir = [] {
    char tmpl[] = "/tmp/intformer_bert_test_XXXXXX";
    const char* d = mkdtemp(tmpl);
    auto* s = new std::string(d != nullptr ? d : "/tmp");
    std::atexit([] {
      const std::string cmd = "rm -rf '" + TempDir() + "'";
      if (TempDir().rfind("/tmp/intformer_bert_test_", 0) == 0) (void)!system(cmd.c_str());
    });
    return s;
  }();
  return *dir;
}

// The fixture `name` converted for `target` (auto | ref), once per process. Fails the calling
// test (and returns "") when the conversion fails. *seconds: the conversion's wall time.
inline std::string Converted(const std::string& name, const std::string& target = "auto",
                             double* seconds = nullptr) {
  static std::map<std::string, std::pair<std::string, double>> done;
  const std::string key = name + "." + target;
  auto it = done.find(key);
  if (it != done.end()) {
    if (seconds != nullptr) *seconds = it->second.second;
    return it->second.first;
  }
  ConvertOptions o;
  o.checkpoint = ModelDir(name);
  o.out = TempDir() + "/" + key + ".ifm";
  o.calib_tsv = Sst2Train();
  o.target = target;
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = Convert(o, nullptr);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return "";
  done[key] = {o.out, secs};
  if (seconds != nullptr) *seconds = secs;
  return o.out;
}

inline Status LoadModel(const std::string& path, std::unique_ptr<Model>* out) {
  std::unique_ptr<ModelFile> f;
  INTFORMER_RETURN_IF_ERROR(ModelFile::OpenPath(path, ReaderOptions(), &f));
  return Model::Load(std::move(f), out);
}

// Rewrites the model file at `path` with `edit` applied to each metadata entry's value (return
// false to drop the entry) and `pack_format` as the target, then loads it: the writer reseals
// every checksum, so the edit reaches the schema checks.
inline Status LoadEdited(
    const std::string& path, uint32_t pack_format,
    const std::function<bool(const std::string&, std::vector<uint8_t>*)>& edit) {
  std::unique_ptr<ModelFile> f;
  INTFORMER_RETURN_IF_ERROR(ModelFile::OpenPath(path, ReaderOptions(), &f));
  ModelWriter w(pack_format, static_cast<format::IsaId>(f->target_isa()));
  for (const MetaEntry& e : f->metadata()) {
    std::vector<uint8_t> v(e.value, e.value + e.size);
    if (!edit(std::string(e.key), &v)) continue;
    INTFORMER_RETURN_IF_ERROR(w.AddRaw(e.key, e.type, v.data(), v.size()));
  }
  for (const TensorView& t : f->tensors()) {
    INTFORMER_RETURN_IF_ERROR(w.AddTensor(t.name, t.dtype,
                                          std::vector<uint64_t>(t.dims, t.dims + t.rank),
                                          t.pack_format == 0 ? 0 : pack_format, t.data, t.size));
  }
  const std::string out = TempDir() + "/edited.ifm";
  INTFORMER_RETURN_IF_ERROR(w.WriteFile(out));
  std::unique_ptr<Model> m;
  return LoadModel(out, &m);
}

struct LabeledRow {
  std::string sentence;
  int label;
};

// GLUE SST-2 dev: 872 rows of sentence<TAB>label after a header line.
inline std::vector<LabeledRow> Sst2Dev() {
  std::vector<LabeledRow> rows;
  std::ifstream in(FixturePath("glue/SST-2/dev.tsv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const size_t tab = line.rfind('\t');
    if (tab == std::string::npos) continue;
    rows.push_back({line.substr(0, tab), std::stoi(line.substr(tab + 1))});
  }
  return rows;
}

// Token ids of one sentence with the model's own tokenizer (no padding).
inline tokenizers::Encoding Encode(const Model& m, const std::string& text) {
  tokenizers::Encoding e;
  tokenizers::EncodeOptions o = m.tokenizer().settings().encode;
  o.max_length = 128;
  o.pad_to_max_length = false;
  const tokenizers::Status s = m.tokenizer().Encode(text, nullptr, o, &e);
  EXPECT_TRUE(s.ok()) << s.message;
  return e;
}

// Right-pads encodings to one length: ids (pad id), mask, type ids.
struct Batch {
  size_t batch = 0, seq = 0;
  std::vector<int32_t> ids, types;
  std::vector<uint8_t> mask;
};
inline Batch MakeBatch(const Model& m, const std::vector<tokenizers::Encoding>& encs) {
  Batch b;
  b.batch = encs.size();
  for (const auto& e : encs) b.seq = std::max(b.seq, e.size());
  const int32_t pad = m.tokenizer().settings().pad_id;
  b.ids.assign(b.batch * b.seq, pad);
  b.types.assign(b.batch * b.seq, 0);
  b.mask.assign(b.batch * b.seq, 0);
  for (size_t i = 0; i < encs.size(); ++i) {
    for (size_t t = 0; t < encs[i].size(); ++t) {
      b.ids[i * b.seq + t] = encs[i].ids[t];
      b.types[i * b.seq + t] = encs[i].type_ids[t];
      b.mask[i * b.seq + t] = encs[i].attention_mask[t];
    }
  }
  return b;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_MODELS_BERT_BERT_TEST_UTIL_H_
