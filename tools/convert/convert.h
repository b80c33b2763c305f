// Convert: a Hugging Face BERT/RoBERTa sequence classifier -> an intformer INT8 model file.
//
// Reads the checkpoint (config.json + model.safetensors | pytorch_model.bin + vocabulary),
// tokenises the calibration text with our own tokenizer, runs the FP32 reference encoder over it
// and records the range of every quantization point through the reference's hooks, chooses the
// scales, quantizes weights (int8 symmetric per output channel) and biases (int32 at
// S_in * S_w), derives every kernel constant with tools/offline/*_params, packs the GEMM weights
// for the target's gemm_s8 kernel and writes the file atomically (models/format_writer.h).
// The layout of the file is models/bert/schema.h. Float arithmetic is fine here: offline only.
#ifndef INTFORMER_TOOLS_CONVERT_CONVERT_H_
#define INTFORMER_TOOLS_CONVERT_CONVERT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "runtime/status.h"

namespace intformer {

struct ConvertOptions {
  std::string checkpoint;  // HF directory (config.json + safetensors|bin + vocab)
  std::string out;         // model file path (written atomically)
  std::string weights = "int8";  // "nf4": every group below in NF4 unless nf4_groups is set
  // Tensor groups stored as QLoRA NF4 (models/bert/schema.h): any of "embeddings" (the word
  // table), "attention" (QKV, output), "ffn" (both matrices), "head" (pooler, classifier).
  // Non-empty implies NF4 weights for those groups only.
  std::vector<std::string> nf4_groups;
  std::string calib_tsv;  // TSV with a header line; required
  std::vector<std::string> calib_cols = {"sentence"};  // one column, or two for pairs
  size_t calib_rows = 256;
  std::string calib_method = "percentile";  // "minmax" | "percentile"
  double calib_percentile = 99.99;
  std::string target = "auto";  // auto|ref|avx2|avx512vnni|neon|neondot|i8mm
  size_t max_seq = 128;
};

// stage: "calibrate" (done/total sentences), "quantize" (done/total layers), "write".
using ProgressFn = std::function<void(const char* stage, size_t done, size_t total)>;

Status Convert(const ConvertOptions& options, const ProgressFn& progress);

// The groups options ask for in NF4 (weights "nf4" with no list: all four), or an error for an
// unknown group or weights value.
Status ResolveNf4Groups(const ConvertOptions& options, std::vector<std::string>* groups);
bool HasGroup(const std::vector<std::string>& groups, const char* group);

}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_CONVERT_H_
