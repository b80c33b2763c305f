// INT8 vs FP32 on all 872 GLUE SST-2 dev rows, for both real fixtures: the integer encoder
// (converted in-process, calibrated on the first 256 train rows) must stay within 1 point of
// the FP32 reference's accuracy, measured here on the same token ids, and agree with its labels
// on >= 97 % of the rows. Numbers and timings are printed for the report.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "tests/models/bert/bert_test_util.h"
#include "models/bert/weights.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

int ArgMax(const int32_t* v, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) if (v[i] > v[best]) best = i;
  return static_cast<int>(best);
}
int ArgMaxF(const float* v, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) if (v[i] > v[best]) best = i;
  return static_cast<int>(best);
}

class Sst2Test : public ::testing::TestWithParam<const char*> {};

TEST_P(Sst2Test, Int8WithinOnePointOfFp32) {
  const std::string name = GetParam();
  double convert_seconds = 0;
  const std::string path = test::Converted(name, "auto", &convert_seconds);
  ASSERT_FALSE(path.empty());
  std::unique_ptr<Model> model;
  const Status ls = test::LoadModel(path, &model);
  ASSERT_TRUE(ls.ok()) << ls.ToString();
  // The same model packed for the scalar GEMM, run with every op's ref variant: it must give
  // the same logits on every row (and gives the scalar latency for the report).
  const std::string ref_path = test::Converted(name, "ref");
  std::unique_ptr<Model> ref_model;
  ASSERT_TRUE(test::LoadModel(ref_path, &ref_model).ok());
  auto ref = reference::ReferenceModel::Load(test::ModelDir(name));
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  SessionOptions so;
  so.max_seq = 128;
  std::unique_ptr<Session> session, scalar;
  ASSERT_TRUE(Session::Create(*model, so, &session).ok());
  so.reference_kernels = true;
  ASSERT_TRUE(Session::Create(*ref_model, so, &scalar).ok());

  const std::vector<test::LabeledRow> dev = test::Sst2Dev();
  ASSERT_EQ(dev.size(), 872u);
  const size_t L = model->info().num_labels;
  size_t fp32_right = 0, int8_right = 0, agree = 0;
  double int8_seconds = 0, scalar_seconds = 0;
  size_t differ = 0;
  double max_dlogit = 0, sum_dlogit = 0;  // |INT8 logit (dequantized) - FP32 logit|
  const Dyadic lsc = model->info().logit_scale;
  const double logit_scale = lsc.mult * std::ldexp(1.0, -lsc.shift);
  std::vector<int32_t> logits(L), scalar_logits(L);
  for (const test::LabeledRow& row : dev) {
    const tokenizers::Encoding e = test::Encode(*model, row.sentence);
    reference::EncoderInput in;
    in.batch = 1;
    in.seq_len = static_cast<int>(e.size());
    in.input_ids = e.ids;
    in.attention_mask = e.attention_mask;
    in.token_type_ids = e.type_ids;
    auto out = ref->Forward(in);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const int fp32 = ArgMaxF(out->logits.data(), L);
    const auto r0 = std::chrono::steady_clock::now();
    const Status rs = session->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1,
                                   e.size(), logits.data());
    int8_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    ASSERT_TRUE(rs.ok()) << rs.ToString();
    const auto r1 = std::chrono::steady_clock::now();
    ASSERT_TRUE(scalar->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1, e.size(),
                            scalar_logits.data()).ok());
    scalar_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - r1).count();
    differ += scalar_logits != logits;
    const int int8 = ArgMax(logits.data(), L);
    for (size_t j = 0; j < L; ++j) {
      const double d = std::fabs(logits[j] * logit_scale - out->logits[j]);
      max_dlogit = std::max(max_dlogit, d);
      sum_dlogit += d;
    }
    fp32_right += fp32 == row.label;
    int8_right += int8 == row.label;
    agree += fp32 == int8;
  }
  const double n = static_cast<double>(dev.size());
  const double fp32_acc = 100.0 * fp32_right / n, int8_acc = 100.0 * int8_right / n;
  const double agreement = 100.0 * agree / n;
  std::printf("[%s] SST-2 dev: FP32 %.2f %%, INT8 %.2f %%, agreement %.2f %%; conversion %.2f s; "
              "file %zu bytes; INT8 %.3f ms/sentence (gemm %s, dispatched ops), %.3f ms/sentence "
              "(all scalar ref)\n",
              name.c_str(), fp32_acc, int8_acc, agreement, convert_seconds, model->file_size(),
              1e3 * int8_seconds / n, model->weights().gemm->name, 1e3 * scalar_seconds / n);
  std::printf("[%s] |INT8 - FP32| logit: mean %.4f, max %.4f\n", name.c_str(),
              sum_dlogit / (n * L), max_dlogit);
  EXPECT_EQ(differ, 0u) << "rows whose scalar logits differ from the best kernels'";
  RecordProperty("fp32_accuracy", std::to_string(fp32_acc));
  RecordProperty("int8_accuracy", std::to_string(int8_acc));
  RecordProperty("agreement", std::to_string(agreement));
  EXPECT_LE(std::abs(int8_acc - fp32_acc), 1.0);
  EXPECT_GE(agreement, 97.0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Sst2Test,
                         ::testing::Values("sst2-bert-tiny", "sst2-roberta-tiny"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s) if (c == '-') c = '_';
                           return s;
                         });

}  // namespace
}  // namespace intformer
