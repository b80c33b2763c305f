// The fields of a Hugging Face config.json the converter and the FP32 reference need, checked.
// Accepted: model_type "bert" or "roberta" with hidden_act "gelu" (the exact erf form; the tanh
// approximations "gelu_new"/"gelu_pytorch_tanh" and relu etc. are refused: the integer GELU is
// fitted to erf). problem_type single_label_classification (the default when absent) or regression
// (num_labels must then be 1). Absent optional fields take HF's defaults.
#ifndef INTFORMER_TOOLS_CONVERT_HF_CONFIG_H_
#define INTFORMER_TOOLS_CONVERT_HF_CONFIG_H_

#include <string>
#include <vector>

#include "tools/convert/status.h"

namespace intformer {
namespace convert {

enum class ModelType { kBert, kRoberta };
enum class ProblemType { kSingleLabelClassification, kRegression };

struct HfConfig {
  ModelType model_type = ModelType::kBert;
  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;
  double layer_norm_eps = 1e-12;
  int pad_token_id = 0;
  int num_labels = 2;
  ProblemType problem_type = ProblemType::kSingleLabelClassification;
  std::vector<std::string> id2label;  // num_labels entries ("LABEL_i" when absent)

  int head_dim() const { return hidden_size / num_heads; }
};

Result<HfConfig> ParseHfConfig(const std::string& json_text, const std::string& origin);
// Reads <dir>/config.json, or the file itself when given a .json path.
Result<HfConfig> LoadHfConfig(const std::string& dir_or_file);

const char* ModelTypeName(ModelType t);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_HF_CONFIG_H_
