// A tiny BERT sequence classifier written as a Hugging Face directory (config.json, vocab.txt,
// model.safetensors, calib.tsv): H 8, 2 heads, I 16, 1 layer, 24 words, 16 positions, 2 labels,
// seeded random F32 weights. Small enough to edit one field at a time (the converter's
// bad-checkpoint tests) and to convert into a 7 KB model file (the loader fuzzer's seed).
#ifndef INTFORMER_TESTS_TOOLS_TINY_BERT_H_
#define INTFORMER_TESTS_TOOLS_TINY_BERT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/tools/bad_files.h"

namespace intformer {
namespace test {

struct TinyTensor {
  std::string name;            // as HF stores it ("bert.embeddings...")
  std::string dtype = "F32";   // F32 values are `values`; any other dtype is written as zeros
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// The valid checkpoint's tensors, in file order.
std::vector<TinyTensor> TinyBertTensors();
// safetensors bytes of `tensors` (F32 from values; F64/I64/F16 zero-filled at their widths).
Bytes TinyBertSafetensors(const std::vector<TinyTensor>& tensors);
// Writes the directory; `config` replaces the default config.json when not empty.
void WriteTinyBert(const std::string& dir, const std::vector<TinyTensor>& tensors,
                   const std::string& config = "");
std::string TinyBertConfig();

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_TOOLS_TINY_BERT_H_
