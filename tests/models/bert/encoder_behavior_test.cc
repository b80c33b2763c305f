// Encoder behaviour on the real fixture (sst2-bert-tiny, SST-2 dev sentences): determinism
// across batch composition, thread counts and kernel variants, input validation that leaves
// the session usable, and named statuses for damaged model metadata.
#include <algorithm>
#include <cstring>

#include "models/bert/weights.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "tests/models/bert/bert_test_util.h"

namespace intformer {
namespace {

class EncoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = test::Converted("sst2-bert-tiny");
    ASSERT_FALSE(path_.empty());
    const Status s = test::LoadModel(path_, &model_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const std::vector<test::LabeledRow> dev = test::Sst2Dev();
    for (size_t i = 0; i < 24; ++i) encs_.push_back(test::Encode(*model_, dev[i * 31].sentence));
  }

  // Logits of every sentence, run as one padded batch.
  std::vector<int32_t> RunBatch(const Model& m, const SessionOptions& so) {
    const test::Batch b = test::MakeBatch(m, encs_);
    std::unique_ptr<Session> s;
    SessionOptions o = so;
    o.max_batch = b.batch;
    EXPECT_TRUE(Session::Create(m, o, &s).ok());
    std::vector<int32_t> logits(b.batch * m.info().num_labels);
    const Status st = s->Run(b.ids.data(), b.types.data(), b.mask.data(), b.batch, b.seq, logits.data());
    EXPECT_TRUE(st.ok()) << st.ToString();
    return logits;
  }

  std::string path_;
  std::unique_ptr<Model> model_;
  std::vector<tokenizers::Encoding> encs_;
};

TEST_F(EncoderTest, MixedLengthBatchEqualsOneByOne) {
  const std::vector<int32_t> batched = RunBatch(*model_, SessionOptions());
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::Create(*model_, SessionOptions(), &s).ok());
  const size_t L = model_->info().num_labels;
  for (size_t i = 0; i < encs_.size(); ++i) {
    std::vector<int32_t> one(L);
    ASSERT_TRUE(s->Run(encs_[i].ids.data(), encs_[i].type_ids.data(),
                       encs_[i].attention_mask.data(), 1, encs_[i].size(), one.data()).ok());
    for (size_t j = 0; j < L; ++j) EXPECT_EQ(one[j], batched[i * L + j]) << "row " << i;
  }
}

TEST_F(EncoderTest, ThreadCountsGiveIdenticalLogits) {
  SessionOptions one, two;
  two.threads = 2;
  EXPECT_EQ(RunBatch(*model_, one), RunBatch(*model_, two));
}

// Scalar everywhere (a file packed for the ref GEMM, every op's ref variant) against the best
// kernels of this machine (auto-packed file, dispatch's variants): the same bytes.
TEST_F(EncoderTest, ScalarAndBestKernelsGiveIdenticalLogits) {
  const std::string ref_path = test::Converted("sst2-bert-tiny", "ref");
  ASSERT_FALSE(ref_path.empty());
  std::unique_ptr<Model> ref_model;
  ASSERT_TRUE(test::LoadModel(ref_path, &ref_model).ok());
  EXPECT_EQ(ref_model->weights().gemm->pack_format, uint32_t{kPackRef});
  SessionOptions scalar;
  scalar.reference_kernels = true;
  std::printf("best gemm kernel: %s\n", model_->weights().gemm->name);
  EXPECT_EQ(RunBatch(*ref_model, scalar), RunBatch(*model_, SessionOptions()));
}

TEST_F(EncoderTest, CallerArenaGivesIdenticalLogits) {
  SessionOptions o;
  o.max_batch = encs_.size();
  const size_t size = Session::ScratchSize(*model_, o);
  ASSERT_GT(size, 0u);
  std::unique_ptr<uint8_t[]> mem(new uint8_t[size + 64]);
  uint8_t* aligned = mem.get() + (64 - reinterpret_cast<uintptr_t>(mem.get()) % 64) % 64;
  o.arena = aligned;
  o.arena_size = size;
  EXPECT_EQ(RunBatch(*model_, o), RunBatch(*model_, SessionOptions()));
  o.arena_size = size - 1;
  std::unique_ptr<Session> s;
  EXPECT_EQ(Session::Create(*model_, o, &s).code(), INTFORMER_ERROR_INVALID_ARGUMENT);
}

TEST_F(EncoderTest, BadInputsAnswerNamedStatusAndSessionStaysUsable) {
  SessionOptions o;
  o.max_batch = 2;
  o.max_seq = 16;
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::Create(*model_, o, &s).ok());
  std::vector<int32_t> ids = {101, 2023, 3185, 2001, 2307, 102};
  std::vector<uint8_t> mask(ids.size(), 1);
  std::vector<int32_t> good(2), logits(4);
  ASSERT_TRUE(s->Run(ids.data(), nullptr, mask.data(), 1, ids.size(), good.data()).ok());

  auto run = [&](const std::vector<int32_t>& i, const uint8_t* m, size_t batch, size_t seq) {
    return s->Run(i.data(), nullptr, m, batch, seq, logits.data()).code();
  };
  std::vector<int32_t> bad = ids;
  bad[2] = static_cast<int32_t>(model_->info().vocab);
  EXPECT_EQ(run(bad, mask.data(), 1, ids.size()), INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE);
  bad[2] = -1;
  EXPECT_EQ(run(bad, mask.data(), 1, ids.size()), INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE);
  std::vector<int32_t> types(ids.size(), 0);
  types[1] = 2;  // BERT has two token types
  EXPECT_EQ(s->Run(ids.data(), types.data(), mask.data(), 1, ids.size(), logits.data()).code(),
            INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE);
  std::vector<int32_t> long_ids(17, 1000);
  EXPECT_EQ(run(long_ids, nullptr, 1, 17), INTFORMER_ERROR_INPUT_TOO_LONG);
  EXPECT_EQ(run(ids, mask.data(), 0, ids.size()), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(run(ids, mask.data(), 3, 2), INTFORMER_ERROR_INVALID_ARGUMENT);  // > max_batch
  std::vector<uint8_t> two_rows = {1, 1, 1, 0, 0, 0};  // row 1 of 3 tokens has no real token
  EXPECT_EQ(run(ids, two_rows.data(), 2, 3), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(s->Run(nullptr, nullptr, nullptr, 1, 1, logits.data()).code(),
            INTFORMER_ERROR_INVALID_ARGUMENT);

  std::vector<int32_t> again(2);
  ASSERT_TRUE(s->Run(ids.data(), nullptr, mask.data(), 1, ids.size(), again.data()).ok());
  EXPECT_EQ(again, good);
  o.max_seq = 513;
  EXPECT_EQ(Session::Create(*model_, o, &s).code(), INTFORMER_ERROR_INPUT_TOO_LONG);
}

TEST_F(EncoderTest, BadMetadataAnswersNamedStatus) {
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenPath(path_, ReaderOptions(), &f).ok());
  const uint32_t pf = f->target_pack_format();
  auto keep = [](const std::string&, std::vector<uint8_t>*) { return true; };
  EXPECT_TRUE(test::LoadEdited(path_, pf, keep).ok());

  auto drop = [](const char* key) {
    return [key](const std::string& k, std::vector<uint8_t>*) { return k != key; };
  };
  Status s = test::LoadEdited(path_, pf, drop("dims.hidden"));
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  EXPECT_NE(s.message().find("dims.hidden"), std::string::npos) << s.ToString();
  s = test::LoadEdited(path_, pf, drop("layer.1.gelu"));
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  EXPECT_NE(s.message().find("layer.1.gelu"), std::string::npos) << s.ToString();

  auto patch_u32 = [](const char* key, uint32_t v) {
    return [key, v](const std::string& k, std::vector<uint8_t>* val) {
      if (k == key) std::memcpy(val->data(), &v, 4);
      return true;
    };
  };
  s = test::LoadEdited(path_, pf, patch_u32("dims.hidden", 64));  // tensors no longer match
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL) << s.ToString();
  s = test::LoadEdited(path_, pf, patch_u32("dims.heads", 3));  // 128 not divisible by 3
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL) << s.ToString();

  auto shorten = [](const std::string& k, std::vector<uint8_t>* v) {
    if (k == "layer.0.softmax") v->resize(v->size() - 4);
    return true;
  };
  s = test::LoadEdited(path_, pf, shorten);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  EXPECT_NE(s.message().find("layer.0.softmax"), std::string::npos) << s.ToString();
  auto zero_shift = [](const std::string& k, std::vector<uint8_t>* v) {
    if (k == "layer.0.pv.scale") std::memset(v->data() + 4, 0, 4);  // shift 0: invalid dyadic
    return true;
  };
  EXPECT_EQ(test::LoadEdited(path_, pf, zero_shift).code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  auto bad_arch = [](const std::string& k, std::vector<uint8_t>* v) {
    if (k == "arch") *v = {'g', 'p', 't'};
    return true;
  };
  EXPECT_EQ(test::LoadEdited(path_, pf, bad_arch).code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);

  // Weights packed for a kernel this build or CPU does not run.
  for (uint32_t other : {kPackAvx2, kPackAvx512Vnni, kPackNeon, kPackNeonDot, kPackI8mm}) {
    if (FindGemmKernel(other) != nullptr) continue;
    EXPECT_EQ(test::LoadEdited(path_, other, keep).code(), INTFORMER_ERROR_TARGET_MISMATCH);
    break;
  }
}

// Absurd dimensions in an otherwise valid file (checksums resealed by the writer): the schema
// compares every dimension with the tensor shapes before sizing anything from it, so the
// answer is UNSUPPORTED_MODEL naming the key, with no giant allocation or loop.
TEST_F(EncoderTest, AbsurdDimensionsAreRefusedBeforeAnyAllocation) {
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenPath(path_, ReaderOptions(), &f).ok());
  const uint32_t pf = f->target_pack_format();
  for (const char* key : {"dims.hidden", "dims.layers", "dims.heads", "dims.intermediate",
                          "dims.vocab", "dims.max_positions", "dims.type_vocab"}) {
    for (uint32_t v : {0u, 0x7fffffffu, 0xffffffffu}) {
      auto patch = [key, v](const std::string& k, std::vector<uint8_t>* val) {
        if (k == key) std::memcpy(val->data(), &v, 4);
        return true;
      };
      const Status s = test::LoadEdited(path_, pf, patch);
      EXPECT_EQ(s.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL) << key << " = " << v << ": "
                                                            << s.ToString();
      EXPECT_FALSE(s.message().empty());
    }
  }
}

// A row whose mask is all zero has no token to classify: INVALID_ARGUMENT naming the row, for
// the only row or one of several; the session is unchanged afterwards.
TEST_F(EncoderTest, AllZeroMaskIsInvalidAndTheSessionSurvives) {
  SessionOptions o;
  o.max_batch = 2;
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::Create(*model_, o, &s).ok());
  const std::vector<int32_t> ids = {101, 2023, 3185, 102, 101, 2307, 102, 0};
  const std::vector<uint8_t> mask = {1, 1, 1, 1, 1, 1, 1, 0};
  std::vector<int32_t> good(4), logits(4);
  ASSERT_TRUE(s->Run(ids.data(), nullptr, mask.data(), 2, 4, good.data()).ok());
  const std::vector<uint8_t> zero(8, 0);
  Status st = s->Run(ids.data(), nullptr, zero.data(), 1, 4, logits.data());
  EXPECT_EQ(st.code(), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("mask"), std::string::npos) << st.ToString();
  std::vector<uint8_t> second_zero = mask;
  std::fill(second_zero.begin() + 4, second_zero.end(), 0);
  st = s->Run(ids.data(), nullptr, second_zero.data(), 2, 4, logits.data());
  EXPECT_EQ(st.code(), INTFORMER_ERROR_INVALID_ARGUMENT) << st.ToString();
  ASSERT_TRUE(s->Run(ids.data(), nullptr, mask.data(), 2, 4, logits.data()).ok());
  EXPECT_EQ(logits, good);
}

}  // namespace
}  // namespace intformer
