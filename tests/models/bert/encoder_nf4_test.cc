// NF4 weights (QLoRA 4-bit NormalFloat, double-quantized block constants) + INT8 activations
// on all 872 GLUE SST-2 dev rows of sst2-bert-tiny: within 1.5 points of the FP32 reference
// (INT8 and FP32 reported beside it); the NF4 file is smaller than the INT8 one; the same
// file gives the same logits under every gemm_nf4 variant (dispatch vs the scalar ref); every
// NF4 matrix is bound with its channel reciprocals; files of another NF4 integer form are
// refused by name.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "models/bert/schema.h"
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

// Every bound NF4 matrix carries its channel reciprocals, derived at load into storage the
// weights own, and satisfies gemm_nf4's contract with them.
void ExpectNf4Bound(const Nf4Matrix& m, const std::vector<int32_t>& recip, const char* what) {
  ASSERT_NE(m.codes, nullptr) << what;
  EXPECT_EQ(m.recip, recip.data()) << what;
  EXPECT_EQ(recip.size(), m.n) << what;
  std::vector<int32_t> want(m.n);
  Nf4ChannelRecips(m, want.data());
  EXPECT_EQ(recip, want) << what;
  const char* why = "";
  EXPECT_TRUE(Nf4MatrixValid(m, &why)) << what << ": " << why;
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
  ExpectNf4Bound(nf4->weights().word_nf4, nf4->weights().word_nf4_recip, "embed.word");
  ExpectNf4Bound(nf4->weights().pooler.nf4, nf4->weights().pooler.nf4_recip, "head.pooler");
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

// Mixed groups load and run; the model says which groups are NF4 and which integer form.
TEST(Nf4Sst2, GroupSelectionIsRecordedAndRuns) {
  const std::string path = ConvertNf4("sst2-bert-tiny", {"ffn", "attention"});
  ASSERT_FALSE(path.empty());
  std::unique_ptr<Model> m;
  ASSERT_TRUE(test::LoadModel(path, &m).ok());
  EXPECT_EQ(m->info().weights, "nf4:attention,ffn");
  EXPECT_EQ(m->weights().word_nf4.codes, nullptr);
  EXPECT_NE(m->weights().layers[0].ffn1.nf4.codes, nullptr);
  EXPECT_EQ(m->weights().pooler.nf4.codes, nullptr);
  EXPECT_TRUE(m->weights().pooler.nf4_recip.empty());
  for (const bert::LayerWeights& lw : m->weights().layers) {
    ExpectNf4Bound(lw.qkv.nf4, lw.qkv.nf4_recip, "qkv");
    ExpectNf4Bound(lw.attn_out.nf4, lw.attn_out.nf4_recip, "attn_out");
    ExpectNf4Bound(lw.ffn1.nf4, lw.ffn1.nf4_recip, "ffn1");
    ExpectNf4Bound(lw.ffn2.nf4, lw.ffn2.nf4_recip, "ffn2");
  }
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenPath(path, ReaderOptions(), &f).ok());
  int32_t form = 0;
  ASSERT_TRUE(f->GetI32(bert::kNf4FormKey, &form).ok());
  EXPECT_EQ(form, bert::kNf4Form);
  ASSERT_TRUE(ModelFile::OpenPath(test::Converted("sst2-bert-tiny"), ReaderOptions(), &f).ok());
  EXPECT_EQ(f->FindMetadata(bert::kNf4FormKey), nullptr) << "an INT8 file has no NF4 form";
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

// NF4 files of another integer form (the per-block rounded sums before "nf4.form" = 2, which
// wrote no such key; a form this runtime does not know) would load and compute other numbers:
// UNSUPPORTED_MODEL naming the key and the fix, like a schema of another version.
TEST(Nf4Sst2, OtherIntegerFormIsRefusedByName) {
  const std::string path = ConvertNf4("sst2-bert-tiny", {"embeddings", "head"});
  ASSERT_FALSE(path.empty());
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenPath(path, ReaderOptions(), &f).ok());
  const uint32_t pf = f->target_pack_format();
  auto keep = [](const std::string&, std::vector<uint8_t>*) { return true; };
  const Status kept = test::LoadEdited(path, pf, keep);
  EXPECT_TRUE(kept.ok()) << kept.ToString();

  auto drop_form = [](const std::string& k, std::vector<uint8_t>*) {
    return k != bert::kNf4FormKey;
  };
  Status s = test::LoadEdited(path, pf, drop_form);  // what every older converter wrote
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL) << s.ToString();
  EXPECT_NE(s.message().find("older integer form"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("nf4.form"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("reconvert the checkpoint"), std::string::npos) << s.ToString();

  for (int32_t form : {0, 1, 3}) {
    auto patch = [form](const std::string& k, std::vector<uint8_t>* v) {
      if (k == bert::kNf4FormKey) std::memcpy(v->data(), &form, 4);
      return true;
    };
    s = test::LoadEdited(path, pf, patch);
    EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL) << form << ": " << s.ToString();
    EXPECT_NE(s.message().find("nf4.form"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find(form < bert::kNf4Form ? "reconvert" : "newer"), std::string::npos)
        << s.ToString();
  }
}

}  // namespace
}  // namespace intformer
