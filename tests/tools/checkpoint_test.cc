// The checkpoint readers on real fixture files and on hand-made bad ones: every malformed input
// must come back as its named StatusCode, never a crash.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tests/test_util.h"
#include "tests/tools/bad_files.h"
#include "tools/convert/checkpoint.h"
#include "tools/convert/hf_config.h"
#include "tools/convert/torch_pickle.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

using convert::CheckpointReader;
using convert::StatusCode;
using test::Bytes;

const std::string kBert = std::string(INTFORMER_FIXTURES_DIR) + "/models/sst2-bert-tiny";
const std::string kRoberta = std::string(INTFORMER_FIXTURES_DIR) + "/models/sst2-roberta-tiny";

StatusCode OpenCode(const Bytes& b) {
  auto r = CheckpointReader::FromBytes(b, "test");
  if (!r.ok()) std::printf("  -> %s\n", r.status().ToString().c_str());
  return r.ok() ? StatusCode::kOk : r.status().code();
}

StatusCode FetchCode(const Bytes& b, const std::string& name) {
  auto r = CheckpointReader::FromBytes(b, "test");
  if (!r.ok()) return r.status().code();
  auto t = r->Fetch(name);
  if (!t.ok()) std::printf("  -> %s\n", t.status().ToString().c_str());
  return t.ok() ? StatusCode::kOk : t.status().code();
}

TEST(Checkpoint, AllThreeBertFilesAgree) {
  auto st = CheckpointReader::Open(kBert);
  auto bin = CheckpointReader::Open(kBert + "/pytorch_model.bin");
  auto f16 = CheckpointReader::Open(kBert + "/model.fp16.safetensors");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_TRUE(bin.ok()) << bin.status().ToString();
  ASSERT_TRUE(f16.ok()) << f16.status().ToString();
  EXPECT_EQ(st->format(), CheckpointReader::Format::kSafetensors);
  EXPECT_EQ(bin->format(), CheckpointReader::Format::kTorchZip);
  ASSERT_EQ(st->Names(), bin->Names());
  ASSERT_EQ(st->Names(), f16->Names());
  EXPECT_TRUE(st->Has("encoder.layer.1.output.LayerNorm.weight"));
  EXPECT_TRUE(st->Has("classifier.weight"));
  double max_f16 = 0;
  for (const auto& name : st->Names()) {
    auto a = st->Fetch(name);
    auto b = bin->Fetch(name);
    auto c = f16->Fetch(name);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << name;
    ASSERT_EQ(a->shape, b->shape) << name;
    EXPECT_EQ(a->data, b->data) << name << ": .bin and .safetensors differ";
    for (size_t i = 0; i < a->data.size(); ++i) {
      max_f16 = std::max(max_f16, std::fabs(static_cast<double>(a->data[i]) - c->data[i]) /
                                      std::max(1e-3, std::fabs(static_cast<double>(a->data[i]))));
    }
  }
  std::printf("max relative F16 weight rounding: %.3g\n", max_f16);
  EXPECT_LT(max_f16, 1.0 / 1024);  // half an ulp of F16 relative, above the subnormal range
}

TEST(Checkpoint, RobertaOpensAndMissingDirIsNamed) {
  auto r = CheckpointReader::Open(kRoberta);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->Has("classifier.out_proj.weight"));
  EXPECT_TRUE(r->Has("embeddings.position_embeddings.weight"));  // "roberta." dropped
  EXPECT_EQ(CheckpointReader::Open("/nonexistent/model").status().code(), StatusCode::kFileNotFound);
  auto missing = r->Fetch("encoder.layer.7.output.dense.weight");
  EXPECT_EQ(missing.status().code(), StatusCode::kMissingTensor);
}

TEST(Checkpoint, LegacyNamesAreNormalised) {
  const Bytes data = test::FloatBytes({1, 2, 3, 4});
  const Bytes f = test::MakeSafetensors(
      R"({"bert.embeddings.LayerNorm.gamma":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("bert.embeddings.LayerNorm.beta":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
      data);
  auto r = CheckpointReader::FromBytes(f, "legacy");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto g = r->Fetch("embeddings.LayerNorm.weight");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->data, (std::vector<float>{1, 2}));
  EXPECT_TRUE(r->Has("embeddings.LayerNorm.bias"));
}

// --- safetensors ---------------------------------------------------------------------------

const char* kOneTensor = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";

TEST(SafetensorsBad, Truncated) {
  EXPECT_EQ(OpenCode({1, 2, 3}), StatusCode::kTruncated);
  Bytes f = test::MakeSafetensors(kOneTensor, test::FloatBytes({1, 2, 3, 4}));
  f.resize(20);  // inside the header
  EXPECT_EQ(OpenCode(f), StatusCode::kTruncated);
  // A real file cut in its data section: the last tensors now point past the end.
  Bytes real;
  ASSERT_TRUE(convert::ReadFileBytes(kBert + "/model.safetensors", &real).ok());
  real.resize(real.size() / 2);
  EXPECT_EQ(OpenCode(real), StatusCode::kOffsetOutOfRange);
}

TEST(SafetensorsBad, HeaderJson) {
  EXPECT_EQ(OpenCode(test::MakeSafetensors("{\"w\": [1, 2", {})), StatusCode::kBadJson);
  EXPECT_EQ(OpenCode(test::MakeSafetensors("[1, 2]", {})), StatusCode::kBadJson);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(R"({"w":{"dtype":"F32","shape":[2]}})", {})),
            StatusCode::kBadJson);
}

TEST(SafetensorsBad, OffsetsOutOfRangeOverlapAndSize) {
  const Bytes d = test::FloatBytes({1, 2, 3, 4});
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,32]}})", d)),
            StatusCode::kOffsetOutOfRange);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[12,8]}})", d)),
            StatusCode::kOffsetOutOfRange);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", d)),
            StatusCode::kOverlappingTensors);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"w":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}})", d)),
            StatusCode::kSizeMismatch);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", d)),
            StatusCode::kSizeMismatch);
}

TEST(SafetensorsBad, NonFiniteWeights) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(FetchCode(test::MakeSafetensors(kOneTensor, test::FloatBytes({1, nan, 3, 4})), "w"),
            StatusCode::kNonFiniteWeight);
  const Bytes inf16 = {0, 0x3c, 0, 0x7c};  // F16 1.0, +Inf
  EXPECT_EQ(FetchCode(test::MakeSafetensors(
                          R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", inf16), "w"),
            StatusCode::kNonFiniteWeight);
}

TEST(SafetensorsBad, UnsupportedDtypes) {
  const Bytes d(16, 0);
  EXPECT_EQ(FetchCode(test::MakeSafetensors(
                          R"({"w":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", d), "w"),
            StatusCode::kUnsupportedDtype);
  EXPECT_EQ(FetchCode(test::MakeSafetensors(
                          R"({"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}})", d), "w"),
            StatusCode::kUnsupportedDtype);
  EXPECT_EQ(OpenCode(test::MakeSafetensors(
                R"({"w":{"dtype":"F8_E4M3","shape":[16],"data_offsets":[0,16]}})", d)),
            StatusCode::kUnsupportedDtype);
  // F16 and BF16 convert: 1.0, -2.0 / 1.0, -2.0.
  auto r = CheckpointReader::FromBytes(
      test::MakeSafetensors(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
                            R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}})",
                            {0, 0x3c, 0, 0xc0, 0x80, 0x3f, 0, 0xc0}),
      "halves");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Fetch("h")->data, (std::vector<float>{1, -2}));
  EXPECT_EQ(r->Fetch("b")->data, (std::vector<float>{1, -2}));
}

}  // namespace
}  // namespace intformer
