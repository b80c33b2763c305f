// One loaded Model shared by N sessions on N threads (the C API's promise: a model is immutable
// once loaded, a session is one thread's worker) gives the same bytes as one session on one
// thread. Run under ThreadSanitizer by scripts/test_tsan.sh. Also: empty text is a valid input.
#include <thread>

#include "tests/models/bert/bert_test_util.h"

namespace intformer {
namespace {

class EncoderThreadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = test::Converted("sst2-bert-tiny");
    ASSERT_FALSE(path.empty());
    const Status s = test::LoadModel(path, &model_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const std::vector<test::LabeledRow> dev = test::Sst2Dev();
    std::vector<tokenizers::Encoding> encs;
    for (size_t i = 0; i < 8; ++i) encs.push_back(test::Encode(*model_, dev[i * 97].sentence));
    batch_ = test::MakeBatch(*model_, encs);
  }

  // Logits of the batch from a new session with `threads` workers, run `repeats` times (each
  // repeat must agree with the first).
  std::vector<int32_t> Run(size_t threads, int repeats) const {
    SessionOptions o;
    o.threads = threads;
    o.max_batch = batch_.batch;
    std::unique_ptr<Session> s;
    if (!Session::Create(*model_, o, &s).ok()) return {};
    std::vector<int32_t> first, logits(batch_.batch * model_->info().num_labels);
    for (int r = 0; r < repeats; ++r) {
      if (!s->Run(batch_.ids.data(), batch_.types.data(), batch_.mask.data(), batch_.batch,
                  batch_.seq, logits.data()).ok()) {
        return {};
      }
      if (r == 0) first = logits;
      if (logits != first) return {};
    }
    return first;
  }

  std::unique_ptr<Model> model_;
  test::Batch batch_;
};

TEST_F(EncoderThreadsTest, SharedModelOnManyThreadsGivesTheBytesOfOne) {
  const std::vector<int32_t> one = Run(1, 1);
  ASSERT_FALSE(one.empty());
  // Sessions of 1 and 2 workers each, so pool threads and caller threads mix.
  constexpr size_t kThreads = 4;
  std::vector<std::vector<int32_t>> got(kThreads);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < kThreads; ++t) {
    workers.emplace_back([this, t, &got] { got[t] = Run(1 + t % 2, 3); });
  }
  for (std::thread& w : workers) w.join();
  for (size_t t = 0; t < kThreads; ++t) EXPECT_EQ(got[t], one) << "thread " << t;
}

TEST_F(EncoderThreadsTest, EmptyTextIsClsSepAndRuns) {
  const tokenizers::Encoding e = test::Encode(*model_, "");
  ASSERT_EQ(e.ids, (std::vector<int32_t>{101, 102}));
  const test::Batch b = test::MakeBatch(*model_, {e});
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::Create(*model_, SessionOptions(), &s).ok());
  std::vector<int32_t> logits(model_->info().num_labels);
  const Status st = s->Run(b.ids.data(), b.types.data(), b.mask.data(), 1, b.seq, logits.data());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace intformer
