// NF4 weights (QLoRA 4-bit NormalFloat, double-quantized block constants) + INT8 activations
// on all 872 GLUE SST-2 dev rows of sst2-bert-tiny: within 1.5 points of the FP32 reference
// (INT8 and FP32 reported beside it); the NF4 file is smaller than the INT8 one; the same
// file gives the same logits under every gemm_nf4 variant (dispatch vs the scalar ref).
#include <cmath>
#include <cstdio>

#include "models/bert/weights.h"
#include "tests/models/bert/bert_test_util.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

std::string ConvertNf4(const std::string& name, const std::vector<std::string>& groups) {
  ConvertOptions o;
  o.checkpoint = test::ModelDir(name);
  std::string tag;
  for (const std::string& g : groups) tag += "_" + g;
  o.out = test::TempDir() + "/" + name + ".nf4" + tag + ".ifm";
  o.calib_tsv = test::Sst2Train();
  o.weights = "nf4";
  o.nf4_groups = groups;
  const Status s = Convert(o, nullptr);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? o.out : "";
}

int ArgMax(const int32_t* v, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) if (v[i] > v[best]) best = i;
  return static_cast<int>(best);
}

TEST(Nf4Sst2, BertTinyWithinOneAndAHalfPointsOfFp32) {
  const std::string name = "sst2-bert-tiny";
  const std::string nf4_path = ConvertNf4(name, {});
  const std::string int8_path = test::Converted(name, "auto");
  ASSERT_FALSE(nf4_path.empty());
  ASSERT_FALSE(int8_path.empty());
  std::unique_ptr<Model> nf4, int8;
  ASSERT_TRUE(test::LoadModel(nf4_path, &nf4).ok());
  ASSERT_TRUE(test::LoadModel(int8_path, &int8).ok());
  EXPECT_EQ(nf4->info().weights, "nf4:embeddings,attention,ffn,head");
  auto ref = reference::ReferenceModel::Load(test::ModelDir(name));
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  SessionOptions so;
  so.max_seq = 128;
  std::unique_ptr<Session> s_nf4, s_int8;
  ASSERT_TRUE(Session::Create(*nf4, so, &s_nf4).ok());
  ASSERT_TRUE(Session::Create(*int8, so, &s_int8).ok());
  // The same NF4 model run by the scalar gemm_nf4 for the first rows: identical logits.
  bert::Weights& w = const_cast<bert::Weights&>(nf4->weights());
  const Nf4GemmKernel* dispatched = w.nf4_gemm;

  const std::vector<test::LabeledRow> dev = test::Sst2Dev();
  ASSERT_EQ(dev.size(), 872u);
  const size_t L = nf4->info().num_labels;
  size_t fp32_right = 0, int8_right = 0, nf4_right = 0, agree = 0, differ = 0, checked = 0;
  std::vector<int32_t> l_nf4(L), l_int8(L), l_ref(L);
  for (const test::LabeledRow& row : dev) {
    const tokenizers::Encoding e = test::Encode(*nf4, row.sentence);
    reference::EncoderInput in;
    in.batch = 1;
    in.seq_len = static_cast<int>(e.size());
    in.input_ids = e.ids;
    in.attention_mask = e.attention_mask;
    in.token_type_ids = e.type_ids;
    auto out = ref->Forward(in);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    size_t fp32 = 0;
    for (size_t j = 1; j < L; ++j) if (out->logits[j] > out->logits[fp32]) fp32 = j;
    ASSERT_TRUE(s_nf4->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1, e.size(),
                           l_nf4.data()).ok());
    ASSERT_TRUE(s_int8->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1, e.size(),
                            l_int8.data()).ok());
    if (checked < 64) {
      w.nf4_gemm = &kNf4GemmKernels[kNf4GemmKernelCount - 1];
      ASSERT_TRUE(s_nf4->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1,
                             e.size(), l_ref.data()).ok());
      w.nf4_gemm = dispatched;
      differ += l_ref != l_nf4;
      ++checked;
    }
    fp32_right += int(fp32) == row.label;
    int8_right += ArgMax(l_int8.data(), L) == row.label;
    nf4_right += ArgMax(l_nf4.data(), L) == row.label;
    agree += ArgMax(l_nf4.data(), L) == int(fp32);
  }
  const double n = double(dev.size());
  const double fp32_acc = 100.0 * fp32_right / n, int8_acc = 100.0 * int8_right / n;
  const double nf4_acc = 100.0 * nf4_right / n;
  std::printf("[%s] SST-2 dev (872): FP32 %.2f %%, INT8 %.2f %%, NF4+INT8 %.2f %% (agreement "
              "with FP32 %.2f %%); files: INT8 %zu bytes, NF4 %zu bytes (%.3f x); gemm_nf4 %s\n",
              name.c_str(), fp32_acc, int8_acc, nf4_acc, 100.0 * agree / n, int8->file_size(),
              nf4->file_size(), double(nf4->file_size()) / double(int8->file_size()),
              dispatched->name);
  RecordProperty("fp32_accuracy", std::to_string(fp32_acc));
  RecordProperty("int8_accuracy", std::to_string(int8_acc));
  RecordProperty("nf4_accuracy", std::to_string(nf4_acc));
  EXPECT_EQ(differ, 0u) << "rows whose scalar gemm_nf4 logits differ from the dispatched ones";
  EXPECT_LE(std::fabs(nf4_acc - fp32_acc), 1.5);
  EXPECT_LT(nf4->file_size(), int8->file_size());
}

// Mixed groups load and run; the model says which groups are NF4.
TEST(Nf4Sst2, GroupSelectionIsRecordedAndRuns) {
  const std::string path = ConvertNf4("sst2-bert-tiny", {"ffn", "attention"});
  ASSERT_FALSE(path.empty());
  std::unique_ptr<Model> m;
  ASSERT_TRUE(test::LoadModel(path, &m).ok());
  EXPECT_EQ(m->info().weights, "nf4:attention,ffn");
  EXPECT_EQ(m->weights().word_nf4.codes, nullptr);
  EXPECT_NE(m->weights().layers[0].ffn1.nf4.codes, nullptr);
  EXPECT_EQ(m->weights().pooler.nf4.codes, nullptr);
  SessionOptions so;
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::Create(*m, so, &s).ok());
  const tokenizers::Encoding e = test::Encode(*m, "a gorgeous, witty, seductive movie.");
  std::vector<int32_t> logits(m->info().num_labels);
  ASSERT_TRUE(s->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1, e.size(),
                     logits.data()).ok());
  EXPECT_GT(logits[1], logits[0]);
  ConvertOptions bad;
  bad.nf4_groups = {"pooler"};
  std::vector<std::string> groups;
  EXPECT_FALSE(ResolveNf4Groups(bad, &groups).ok());
}

}  // namespace
}  // namespace intformer
