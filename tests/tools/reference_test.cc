// The FP32 reference encoder against PyTorch goldens (tools/goldens/fp32_goldens.py): the first 64
// SST-2 dev rows of each fixture, in one padded batch, must give the torch logits within 1e-4, from
// every weight file the fixture ships.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/convert/checkpoint.h"
#include "tools/convert/hf_config.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

using reference::EncoderInput;
using reference::ReferenceModel;

constexpr double kTolerance = 1e-4;

const std::string kModels = std::string(INTFORMER_FIXTURES_DIR) + "/models/";

struct Golden {
  std::vector<std::vector<int32_t>> ids;
  std::vector<std::vector<double>> logits, logits_fp16;
};

Golden LoadGolden(const std::string& name) {
  std::ifstream f(std::string(INTFORMER_SOURCE_DIR) + "/tests/tools/goldens/" + name);
  const auto j = nlohmann::json::parse(f, nullptr, false);
  Golden g;
  if (j.is_discarded()) return g;
  j.at("input_ids").get_to(g.ids);
  j.at("logits").get_to(g.logits);
  if (j.contains("logits_fp16_weights")) j.at("logits_fp16_weights").get_to(g.logits_fp16);
  return g;
}

// Right-padded batch of all rows, pad id `pad`, as HF's tokenizer(padding=True) makes it.
EncoderInput Batch(const std::vector<std::vector<int32_t>>& rows, int pad) {
  EncoderInput in;
  in.batch = static_cast<int>(rows.size());
  for (const auto& r : rows) in.seq_len = std::max(in.seq_len, static_cast<int>(r.size()));
  in.input_ids.assign(static_cast<size_t>(in.batch) * in.seq_len, pad);
  in.attention_mask.assign(in.input_ids.size(), 0);
  for (size_t b = 0; b < rows.size(); ++b) {
    for (size_t t = 0; t < rows[b].size(); ++t) {
      in.input_ids[b * in.seq_len + t] = rows[b][t];
      in.attention_mask[b * in.seq_len + t] = 1;
    }
  }
  return in;
}

double MaxDelta(const ReferenceModel& m, const Golden& g,
                const std::vector<std::vector<double>>& want, const char* what) {
  const auto t0 = std::chrono::steady_clock::now();
  auto out = m.Forward(Batch(g.ids, m.config().pad_token_id));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (!out.ok()) return 1e9;
  const int L = m.config().num_labels;
  double worst = 0;
  for (size_t b = 0; b < want.size(); ++b) {
    for (int l = 0; l < L; ++l) {
      worst = std::max(worst, std::fabs(out->logits[b * L + l] - want[b][static_cast<size_t>(l)]));
    }
  }
  std::printf("%s: max |dlogit| vs torch %.3g over %zu rows (%.1f ms)\n", what, worst, want.size(), ms);
  ::testing::Test::RecordProperty(std::string(what) + "_max_abs_dlogit", std::to_string(worst));
  return worst;
}

ReferenceModel LoadFrom(const std::string& dir, const std::string& file) {
  auto cfg = convert::LoadHfConfig(dir);
  auto ck = convert::CheckpointReader::Open(dir + "/" + file);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(ck.ok()) << ck.status().ToString();
  auto m = ReferenceModel::FromCheckpoint(cfg.value(), ck.value());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

TEST(ReferenceVsTorch, BertSafetensors) {
  const Golden g = LoadGolden("sst2-bert-tiny.fp32.json");
  ASSERT_EQ(g.ids.size(), 64u);
  auto m = ReferenceModel::Load(kModels + "sst2-bert-tiny");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_LE(MaxDelta(m.value(), g, g.logits, "bert_safetensors"), kTolerance);
}

TEST(ReferenceVsTorch, BertPytorchBin) {
  const Golden g = LoadGolden("sst2-bert-tiny.fp32.json");
  const ReferenceModel m = LoadFrom(kModels + "sst2-bert-tiny", "pytorch_model.bin");
  EXPECT_LE(MaxDelta(m, g, g.logits, "bert_pytorch_bin"), kTolerance);
}

TEST(ReferenceVsTorch, BertFp16Safetensors) {
  const Golden g = LoadGolden("sst2-bert-tiny.fp32.json");
  ASSERT_EQ(g.logits_fp16.size(), 64u);
  const ReferenceModel m = LoadFrom(kModels + "sst2-bert-tiny", "model.fp16.safetensors");
  EXPECT_LE(MaxDelta(m, g, g.logits_fp16, "bert_fp16_safetensors"), kTolerance);
}

TEST(ReferenceVsTorch, RobertaSafetensors) {
  const Golden g = LoadGolden("sst2-roberta-tiny.fp32.json");
  ASSERT_EQ(g.ids.size(), 64u);
  auto m = ReferenceModel::Load(kModels + "sst2-roberta-tiny");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->has_pooler() && m->config().model_type == convert::ModelType::kBert);
  EXPECT_LE(MaxDelta(m.value(), g, g.logits, "roberta_safetensors"), kTolerance);
}

// Padding must not change a sequence's result: each row alone (no padding) vs in the batch.
TEST(Reference, PaddingInvariant) {
  for (const char* name : {"sst2-bert-tiny", "sst2-roberta-tiny"}) {
    const Golden g = LoadGolden(std::string(name) + ".fp32.json");
    auto m = ReferenceModel::Load(kModels + name);
    ASSERT_TRUE(m.ok());
    std::vector<std::vector<int32_t>> rows(g.ids.begin(), g.ids.begin() + 8);
    auto batched = m->Forward(Batch(rows, m->config().pad_token_id));
    ASSERT_TRUE(batched.ok());
    for (size_t b = 0; b < rows.size(); ++b) {
      auto one = m->Forward(Batch({rows[b]}, m->config().pad_token_id));
      ASSERT_TRUE(one.ok());
      for (int l = 0; l < 2; ++l) EXPECT_NEAR(one->logits[l], batched->logits[b * 2 + l], 1e-5) << name;
    }
  }
}

// Every quantization point is reported with the right shape, and masked keys get probability 0.
TEST(Reference, ObserverSeesEveryQuantizationPoint) {
  const Golden g = LoadGolden("sst2-bert-tiny.fp32.json");
  auto m = ReferenceModel::Load(kModels + "sst2-bert-tiny");
  ASSERT_TRUE(m.ok());
  const EncoderInput in = Batch({g.ids[0], g.ids[1]}, 0);  // row 1 is shorter: padded
  std::map<std::string, int> seen;
  std::vector<float> logits_seen;
  auto out = m->Forward(in, [&](const reference::ActivationView& v) {
    seen[reference::SiteName(v.site)]++;
    EXPECT_EQ(v.seq_len, in.seq_len);
    if (v.site == reference::Site::kProbs) {
      EXPECT_EQ(v.heads, 2);
      for (int h = 0; h < v.heads; ++h) {
        for (int i = 0; i < v.rows; ++i) {
          for (int j = 0; j < v.cols; ++j) {
            if (!v.token_mask[j]) {
              EXPECT_EQ(v.data[(h * v.rows + i) * v.cols + j], 0.0f);
            }
          }
        }
      }
    }
    if (v.site == reference::Site::kFfn1Out) {
      EXPECT_EQ(v.cols, 512);
    }
    if (v.site == reference::Site::kLogits) logits_seen.insert(logits_seen.end(), v.data, v.data + v.cols);
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(logits_seen, out->logits);
  EXPECT_EQ(seen.size(), 20u);
  EXPECT_EQ(seen["embedding_sum"], 2);
  EXPECT_EQ(seen["scores"], 4);  // 2 sequences x 2 layers
  EXPECT_EQ(seen["pooler_out"], 2);
}

TEST(Reference, BadInputIsAnError) {
  auto m = ReferenceModel::Load(kModels + "sst2-roberta-tiny");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->Forward(Batch({{0, 99999999, 2}}, 1)).ok());
  EXPECT_FALSE(m->Forward(Batch({std::vector<int32_t>(513, 5)}, 1)).ok());  // 512 positions
  EXPECT_TRUE(m->Forward(Batch({std::vector<int32_t>(512, 5)}, 1)).ok());
}

}  // namespace
}  // namespace intformer
