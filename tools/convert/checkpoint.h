// CheckpointReader: one API over the two ways a Hugging Face checkpoint stores its weights.
//
// Open() takes an HF model directory (model.safetensors preferred, else pytorch_model.bin, else
// model.fp16.safetensors) or a file path naming either format (a .safetensors file, or torch's
// zip format whatever its name).
// The whole file is read into memory and every tensor's extent is validated up front, so a bad
// file fails at Open() with a named StatusCode; Fetch() then only converts.
//
// Names are normalised so model code asks for one spelling whatever the checkpoint used:
//   - the base-model prefix is dropped: "bert.", "roberta.", "distilbert." (HF task heads add it;
//     bare encoders saved with save_pretrained do not);
//   - legacy LayerNorm names ".gamma" / ".beta" become ".weight" / ".bias".
// So "bert.encoder.layer.0.attention.output.LayerNorm.gamma" is fetched as
// "encoder.layer.0.attention.output.LayerNorm.weight". Heads keep their names ("classifier.weight",
// "classifier.out_proj.weight"). Two stored names normalising to one name is an error at Open().
#ifndef INTFORMER_TOOLS_CONVERT_CHECKPOINT_H_
#define INTFORMER_TOOLS_CONVERT_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/convert/raw_tensor.h"
#include "tools/convert/status.h"

namespace intformer {
namespace convert {

struct FloatTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major
};

class CheckpointReader {
 public:
  enum class Format { kSafetensors, kTorchZip };

  static Result<CheckpointReader> Open(const std::string& dir_or_file);
  // Parses bytes already in memory (tests build bad files this way); `origin` names them.
  static Result<CheckpointReader> FromBytes(std::vector<uint8_t> bytes, const std::string& origin);

  Format format() const { return format_; }
  const std::string& path() const { return origin_; }

  // Normalised names, sorted.
  std::vector<std::string> Names() const;
  bool Has(const std::string& name) const { return index_.count(name) != 0; }
  // Dtype and shape without converting; nullptr if absent.
  const RawTensor* Info(const std::string& name) const;

  // The tensor as float (F32/F16/BF16 only): kMissingTensor, kUnsupportedDtype, kNonFiniteWeight.
  Result<FloatTensor> Fetch(const std::string& name) const;
  // As Fetch, and kShapeMismatch unless the shape is exactly `shape`.
  Result<FloatTensor> Fetch(const std::string& name, const std::vector<int64_t>& shape) const;

  static std::string NormaliseName(const std::string& stored);

 private:
  Format format_ = Format::kSafetensors;
  std::string origin_;
  std::vector<uint8_t> bytes_;
  std::vector<RawTensor> tensors_;       // names already normalised
  std::map<std::string, size_t> index_;  // normalised name -> tensors_ index
};

// Reads a whole file (kFileNotFound / kIoError).
Status ReadFileBytes(const std::string& path, std::vector<uint8_t>* out);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_CHECKPOINT_H_
