// The steady state of Session::Run allocates nothing: this binary interposes the C allocator
// (malloc and friends; operator new reaches it through libstdc++), counts every call made while
// counting is on, and runs warmed-up sessions with 1 and 2 threads. Any allocation inside Run,
// on the caller's thread or a pool thread, in our code or a library's, fails the test.
#include <atomic>
#include <cstddef>
#include <cstdlib>

#include "tests/models/bert/bert_test_util.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void __libc_free(void*);
}

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocs{0};
inline void Count() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" {
void* malloc(size_t n) {
  Count();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  Count();
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  Count();
  return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
  Count();
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
  Count();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
  Count();
  void* p = __libc_memalign(a, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }
}

namespace intformer {
namespace {

TEST(EncoderAllocTest, InterposerSeesOperatorNew) {
  g_allocs = 0;
  g_counting = true;
  int* p = new int(7);
  g_counting = false;
  delete p;
  EXPECT_GE(g_allocs.load(), 1) << "the counting allocator is not in the path of operator new";
}

TEST(EncoderAllocTest, RunAllocatesNothingAfterWarmUp) {
  const std::string path = test::Converted("sst2-bert-tiny");
  ASSERT_FALSE(path.empty());
  std::unique_ptr<Model> model;
  ASSERT_TRUE(test::LoadModel(path, &model).ok());
  const std::vector<test::LabeledRow> dev = test::Sst2Dev();
  std::vector<tokenizers::Encoding> encs;
  for (size_t i = 0; i < 8; ++i) encs.push_back(test::Encode(*model, dev[i * 17].sentence));
  const test::Batch b = test::MakeBatch(*model, encs);
  for (size_t threads : {1, 2}) {
    SessionOptions o;
    o.threads = threads;
    o.max_batch = b.batch;
    o.max_seq = b.seq;
    std::unique_ptr<Session> s;
    ASSERT_TRUE(Session::Create(*model, o, &s).ok());
    std::vector<int32_t> logits(b.batch * model->info().num_labels);
    auto run = [&] {
      return s->Run(b.ids.data(), b.types.data(), b.mask.data(), b.batch, b.seq, logits.data());
    };
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(run().ok());
    g_allocs = 0;
    g_counting = true;
    bool ok = true;
    for (int i = 0; i < 20; ++i) ok = ok && run().ok();
    // One sequence at a time too (smaller shapes than the warm-up's).
    ok = ok && s->Run(encs[0].ids.data(), encs[0].type_ids.data(), encs[0].attention_mask.data(), 1,
                      encs[0].size(), logits.data()).ok();
    g_counting = false;
    EXPECT_TRUE(ok);
    EXPECT_EQ(g_allocs.load(), 0) << "allocations in 21 warmed-up runs with " << threads
                                  << " thread(s)";
    std::printf("threads %zu: %ld allocations in 21 runs after warm-up\n", threads,
                g_allocs.load());
  }
}

}  // namespace
}  // namespace intformer
