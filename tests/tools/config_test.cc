// config.json parsing, and the config/checkpoint agreement the reference model checks on load.
#include <gtest/gtest.h>

#include <string>

#include "tools/convert/checkpoint.h"
#include "tools/convert/hf_config.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

using convert::HfConfig;
using convert::StatusCode;

const std::string kBert = std::string(INTFORMER_FIXTURES_DIR) + "/models/sst2-bert-tiny";
const std::string kRoberta = std::string(INTFORMER_FIXTURES_DIR) + "/models/sst2-roberta-tiny";

std::string ReadText(const std::string& path) {
  std::vector<uint8_t> b;
  EXPECT_TRUE(convert::ReadFileBytes(path, &b).ok()) << path;
  return std::string(b.begin(), b.end());
}

// The fixture's config.json with `from` replaced by `to`.
StatusCode EditedCode(const std::string& from, const std::string& to) {
  std::string text = ReadText(kBert + "/config.json");
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  auto r = convert::ParseHfConfig(text, "edited");
  if (!r.ok()) std::printf("  -> %s\n", r.status().ToString().c_str());
  return r.ok() ? StatusCode::kOk : r.status().code();
}

TEST(HfConfig, FixturesParse) {
  auto b = convert::LoadHfConfig(kBert);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->model_type, convert::ModelType::kBert);
  EXPECT_EQ(b->hidden_size, 128);
  EXPECT_EQ(b->num_layers, 2);
  EXPECT_EQ(b->num_heads, 2);
  EXPECT_EQ(b->intermediate_size, 512);
  EXPECT_EQ(b->type_vocab_size, 2);
  EXPECT_DOUBLE_EQ(b->layer_norm_eps, 1e-12);
  EXPECT_EQ(b->id2label, (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(b->problem_type, convert::ProblemType::kSingleLabelClassification);
  auto r = convert::LoadHfConfig(kRoberta + "/config.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->model_type, convert::ModelType::kRoberta);
  EXPECT_EQ(r->pad_token_id, 1);
  EXPECT_EQ(r->max_position_embeddings, 514);
  EXPECT_DOUBLE_EQ(r->layer_norm_eps, 1e-5);
}

TEST(HfConfig, RefusalsAreNamed) {
  EXPECT_EQ(EditedCode("\"model_type\": \"bert\"", "\"model_type\": \"gpt2\""),
            StatusCode::kUnsupportedModel);
  EXPECT_EQ(EditedCode("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\""),
            StatusCode::kUnsupportedActivation);
  EXPECT_EQ(EditedCode("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_new\""),
            StatusCode::kUnsupportedActivation);
  EXPECT_EQ(EditedCode("\"hidden_size\": 128", "\"hidden_size\": 129"), StatusCode::kBadConfig);
  EXPECT_EQ(EditedCode("\"num_hidden_layers\": 2", "\"num_hidden_layers\": \"two\""),
            StatusCode::kBadConfig);
  EXPECT_EQ(EditedCode("\"problem_type\": \"single_label_classification\"",
                       "\"problem_type\": \"multi_label_classification\""),
            StatusCode::kBadConfig);
  EXPECT_EQ(EditedCode("\"problem_type\": \"single_label_classification\"",
                       "\"problem_type\": \"regression\""),
            StatusCode::kBadConfig);  // regression with two labels
  EXPECT_EQ(EditedCode("{", "{{"), StatusCode::kBadJson);
  EXPECT_EQ(convert::LoadHfConfig("/nonexistent").status().code(), StatusCode::kFileNotFound);
}

TEST(HfConfig, RegressionWithOneLabel) {
  std::string text = ReadText(kBert + "/config.json");
  const std::string from = "\"num_labels\": 2,";
  text.replace(text.find(from), from.size(), "\"num_labels\": 1,");
  text.replace(text.find("\"single_label_classification\""), 29, "\"regression\"");
  const size_t a = text.find("\"id2label\""), e = text.find("\"finetuning_task\"");
  text.erase(a, e - a);
  auto r = convert::ParseHfConfig(text, "regression");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->problem_type, convert::ProblemType::kRegression);
  EXPECT_EQ(r->num_labels, 1);
}

TEST(ReferenceLoad, WrongShapeAndMissingTensorAreNamed) {
  auto cfg = convert::LoadHfConfig(kBert);
  auto ck = convert::CheckpointReader::Open(kBert);
  ASSERT_TRUE(cfg.ok() && ck.ok());
  HfConfig wide = cfg.value();
  wide.intermediate_size = 256;
  auto m = reference::ReferenceModel::FromCheckpoint(wide, ck.value());
  EXPECT_EQ(m.status().code(), StatusCode::kShapeMismatch) << m.status().ToString();
  std::printf("  -> %s\n", m.status().ToString().c_str());
  HfConfig deep = cfg.value();
  deep.num_layers = 3;
  m = reference::ReferenceModel::FromCheckpoint(deep, ck.value());
  EXPECT_EQ(m.status().code(), StatusCode::kMissingTensor) << m.status().ToString();
  std::printf("  -> %s\n", m.status().ToString().c_str());
}

}  // namespace
}  // namespace intformer
