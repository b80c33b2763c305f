// The C API contract from C++: argument checking, statuses and messages, the bit-exact logit
// conversion, and (with the bundled model converted by the ctest fixture) loading from a path
// and from memory, model info, tokenization, sessions, batching and determinism.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "intformer/intformer.h"
#include "runtime/c_api/c_api_internal.h"
#include "tests/test_util.h"

namespace {

TEST(CApi, NullArgumentsAreInvalidNotCrashes) {
  intformer_model* model = nullptr;
  intformer_session* session = nullptr;
  size_t n = 0;
  int32_t x = 0;
  EXPECT_EQ(intformer_model_load(nullptr, &model), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(intformer_last_error(), "");
  EXPECT_EQ(intformer_model_load("x", nullptr), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_model_load_buffer(nullptr, 10, 0, &model), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_model_get_info(nullptr, nullptr), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_model_tokenize(nullptr, "a", nullptr, 8, &x, nullptr, &n),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_session_create(nullptr, nullptr, &session),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_session_scratch_size(nullptr, nullptr, &n), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_session_run(nullptr, &x, nullptr, nullptr, 1, 1, &x),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_session_run_text(nullptr, nullptr, nullptr, 1, &x),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_session_classify(nullptr, "a", nullptr, &n, nullptr),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(intformer_logits_to_float(nullptr, &x, 1, nullptr), INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(model, nullptr);
  EXPECT_EQ(session, nullptr);
}

TEST(CApi, LastErrorIsPerCallAndPerThread) {
  intformer_model* model = nullptr;
  EXPECT_EQ(intformer_model_load("/nonexistent/m.ifm", &model), INTFORMER_ERROR_IO);
  EXPECT_NE(std::strstr(intformer_last_error(), "/nonexistent/m.ifm"), nullptr);
  std::string other_thread;
  std::thread([&] { other_thread = intformer_last_error(); }).join();
  EXPECT_EQ(other_thread, "");
  intformer_session_options options;
  intformer_session_options_init(&options);
  size_t n = 0;
  EXPECT_EQ(intformer_argmax(nullptr, 0), 0u);  // no status: leaves the message alone
  EXPECT_EQ(intformer_session_scratch_size(nullptr, &options, &n),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(intformer_last_error(), "model"), nullptr);
}

TEST(CApi, BadBuffersGiveTheFileStatuses) {
  intformer_model* model = nullptr;
  alignas(64) uint8_t junk[256] = {'P', 'K', 3, 4};
  EXPECT_EQ(intformer_model_load_buffer(junk, sizeof(junk), 0, &model), INTFORMER_ERROR_BAD_MAGIC);
  alignas(64) const uint8_t prefix[4] = {0x89, 'I', 'F', 'M'};
  EXPECT_EQ(intformer_model_load_buffer(prefix, sizeof(prefix), 0, &model),
            INTFORMER_ERROR_TRUNCATED_FILE);
  EXPECT_EQ(intformer_model_load_buffer(junk, sizeof(junk), 0x80, &model),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(intformer_last_error(), "flags"), nullptr);
  EXPECT_EQ(model, nullptr);
}

TEST(CApi, ArgmaxTakesTheFirstOfTies) {
  const int32_t a[] = {INT32_MIN, 5, 5, -1};
  EXPECT_EQ(intformer_argmax(a, 4), 1u);
  EXPECT_EQ(intformer_argmax(a, 1), 0u);
  const int32_t b[] = {INT32_MIN, INT32_MIN};
  EXPECT_EQ(intformer_argmax(b, 2), 0u);
}

// The float conversion is exact: compared with the correctly rounded conversion of the exact
// value, computed in long double (64-bit mantissa on x86; products of up to 62 bits are exact).
float Expected(int32_t logit, int32_t mult, int32_t shift) {
  const int64_t prod = static_cast<int64_t>(logit) * mult;
  if (sizeof(long double) > sizeof(double)) {
    return static_cast<float>(std::ldexp(static_cast<long double>(prod), -shift));
  }
  return static_cast<float>(std::ldexp(static_cast<double>(prod), -shift));
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof(b));
  return b;
}

TEST(CApi, LogitsToFloatIsCorrectlyRounded) {
  const bool exact_wide = std::numeric_limits<long double>::digits >= 63;
  intformer::test::Rng rng(7);
  INTFORMER_SEED_TRACE(rng);
  const int32_t extremes[] = {0, 1, -1, 3, INT32_MAX, INT32_MIN, (1 << 24) + 1, -((1 << 25) + 3)};
  const int32_t mults[] = {0, 1, 3, (1 << 30), INT32_MAX, 0x55555555};
  const int32_t shifts[] = {1, 2, 23, 31, 40, 62};
  size_t checked = 0;
  for (int32_t x : extremes) {
    for (int32_t m : mults) {
      for (int32_t s : shifts) {
        const int64_t prod = static_cast<int64_t>(x) * m;
        if (!exact_wide && (prod > (int64_t{1} << 53) || prod < -(int64_t{1} << 53))) continue;
        ASSERT_EQ(intformer::c_api::DyadicToFloatBits(x, m, s), Bits(Expected(x, m, s))) << x << " * " << m << " * 2^-" << s;
        ++checked;
      }
    }
  }
  for (int i = 0; i < 200000; ++i) {
    const int32_t x = rng.Uniform(INT32_MIN, INT32_MAX);
    const int32_t m = rng.Uniform(0, INT32_MAX);
    const int32_t s = rng.Uniform(1, 62);
    const int64_t prod = static_cast<int64_t>(x) * m;
    if (!exact_wide && (prod > (int64_t{1} << 53) || prod < -(int64_t{1} << 53))) continue;
    ASSERT_EQ(intformer::c_api::DyadicToFloatBits(x, m, s), Bits(Expected(x, m, s)))
        << x << " * " << m << " * 2^-" << s;
    ++checked;
  }
  std::printf("logits_to_float: %zu conversions bit-identical to the correctly rounded value\n",
              checked);
}

}  // namespace

// ---- With the bundled model (converted by the `bundled_model` ctest fixture) ----

namespace {

class CApiModel : public testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(INTFORMER_BUNDLED_MODEL_FILE, std::ios::binary);
    if (!in) GTEST_SKIP() << INTFORMER_BUNDLED_MODEL_FILE << " missing: run through ctest";
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ASSERT_EQ(intformer_model_load(INTFORMER_BUNDLED_MODEL_FILE, &model_), INTFORMER_OK)
        << intformer_last_error();
    ASSERT_EQ(intformer_model_get_info(model_, &info_), INTFORMER_OK);
  }
  void TearDown() override { intformer_model_destroy(model_); }

  intformer_session* NewSession(size_t max_batch, size_t threads = 1) {
    intformer_session_options o;
    intformer_session_options_init(&o);
    o.max_batch = max_batch;
    o.threads = threads;
    intformer_session* s = nullptr;
    EXPECT_EQ(intformer_session_create(model_, &o, &s), INTFORMER_OK) << intformer_last_error();
    return s;
  }

  std::vector<char> bytes_;
  intformer_model* model_ = nullptr;
  intformer_model_info info_{};
};

const char* const kTexts[] = {"a gripping , beautifully acted film", "dull",
                              "the acting is fine but the plot drags on and on and on"};

TEST_F(CApiModel, InfoDescribesTheBundledModel) {
  EXPECT_STREQ(info_.architecture, "bert");
  EXPECT_STREQ(info_.weights, "int8");
  EXPECT_EQ(info_.hidden, 128u);
  EXPECT_EQ(info_.layers, 2u);
  EXPECT_EQ(info_.heads, 2u);
  EXPECT_EQ(info_.vocab_size, 30522u);
  EXPECT_EQ(info_.max_seq, 512u);
  ASSERT_EQ(info_.num_labels, 2u);
  EXPECT_STREQ(info_.labels[0], "negative");
  EXPECT_STREQ(info_.labels[1], "positive");
  EXPECT_GT(info_.logit_multiplier, 0);
  EXPECT_STRNE(info_.pack_format, "unknown");
}

TEST_F(CApiModel, TokenizeGivesHuggingFaceIds) {
  int32_t ids[16], types[16];
  size_t n = 0;
  ASSERT_EQ(intformer_model_tokenize(model_, "Hello world!", nullptr, 16, ids, types, &n),
            INTFORMER_OK);
  EXPECT_EQ(std::vector<int32_t>(ids, ids + n), (std::vector<int32_t>{101, 7592, 2088, 999, 102}));
  ASSERT_EQ(intformer_model_tokenize(model_, "is it good?", "yes", 16, ids, types, &n),
            INTFORMER_OK);
  EXPECT_EQ(std::vector<int32_t>(types, types + n),
            (std::vector<int32_t>{0, 0, 0, 0, 0, 0, 1, 1}));
  ASSERT_EQ(intformer_model_tokenize(model_, "one two three four five", nullptr, 4, ids,
                                     nullptr, &n),
            INTFORMER_OK);
  EXPECT_EQ(n, 4u);  // truncated, [SEP] kept
  EXPECT_EQ(ids[3], 102);
}

TEST_F(CApiModel, BatchOfTextsEqualsOneByOneAndIds) {
  intformer_session* s = NewSession(3);
  ASSERT_NE(s, nullptr);
  std::vector<int32_t> batch(3 * info_.num_labels), one(info_.num_labels);
  ASSERT_EQ(intformer_session_run_text(s, kTexts, nullptr, 3, batch.data()), INTFORMER_OK);
  for (size_t i = 0; i < 3; ++i) {
    size_t label = 9;
    ASSERT_EQ(intformer_session_classify(s, kTexts[i], nullptr, &label, one.data()),
              INTFORMER_OK);
    EXPECT_EQ(0, std::memcmp(one.data(), batch.data() + i * info_.num_labels,
                             one.size() * sizeof(int32_t)))
        << "row " << i;
    EXPECT_EQ(label, intformer_argmax(one.data(), one.size()));
    // The same row through the id entry point.
    int32_t ids[64], types[64];
    size_t n = 0;
    ASSERT_EQ(intformer_model_tokenize(model_, kTexts[i], nullptr, 64, ids, types, &n),
              INTFORMER_OK);
    std::vector<uint8_t> mask(n, 1);
    std::vector<int32_t> via_ids(info_.num_labels);
    ASSERT_EQ(intformer_session_run(s, ids, types, mask.data(), 1, n, via_ids.data()),
              INTFORMER_OK);
    EXPECT_EQ(via_ids, one);
  }
  size_t label = 9;
  ASSERT_EQ(intformer_session_classify(s, kTexts[0], nullptr, &label, nullptr), INTFORMER_OK);
  EXPECT_STREQ(info_.labels[label], "positive");
  intformer_session_destroy(s);
}

TEST_F(CApiModel, ThreadsAndArenaGiveTheSameBytes) {
  intformer_session* one = NewSession(3, 1);
  intformer_session* two = NewSession(3, 2);
  intformer_session_options o;
  intformer_session_options_init(&o);
  o.max_batch = 3;
  size_t need = 0;
  ASSERT_EQ(intformer_session_scratch_size(model_, &o, &need), INTFORMER_OK);
  EXPECT_GT(need, 0u);
  std::vector<uint8_t> storage(need + 64);
  void* aligned = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  o.arena = aligned;
  o.arena_size = need;
  intformer_session* arena = nullptr;
  ASSERT_EQ(intformer_session_create(model_, &o, &arena), INTFORMER_OK) << intformer_last_error();
  o.arena_size = need - 1;
  intformer_session* too_small = nullptr;
  EXPECT_NE(intformer_session_create(model_, &o, &too_small), INTFORMER_OK);
  EXPECT_EQ(too_small, nullptr);
  o.arena = static_cast<uint8_t*>(aligned) + 1;
  o.arena_size = need;
  EXPECT_EQ(intformer_session_create(model_, &o, &too_small), INTFORMER_ERROR_INVALID_ARGUMENT);

  std::vector<int32_t> a(3 * 2), b(3 * 2), c(3 * 2);
  ASSERT_EQ(intformer_session_run_text(one, kTexts, nullptr, 3, a.data()), INTFORMER_OK);
  ASSERT_EQ(intformer_session_run_text(two, kTexts, nullptr, 3, b.data()), INTFORMER_OK);
  ASSERT_EQ(intformer_session_run_text(arena, kTexts, nullptr, 3, c.data()), INTFORMER_OK);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  intformer_session_destroy(one);
  intformer_session_destroy(two);
  intformer_session_destroy(arena);
}

TEST_F(CApiModel, BadInputsAreNamedAndTheSessionSurvives) {
  intformer_session* s = NewSession(1);
  const int32_t ids[] = {101, 40000, 102};
  const uint8_t mask[] = {1, 1, 1};
  int32_t logits[2];
  EXPECT_EQ(intformer_session_run(s, ids, nullptr, mask, 1, 3, logits),
            INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE);
  std::vector<int32_t> long_ids(129, 1000);
  std::vector<uint8_t> long_mask(129, 1);
  EXPECT_EQ(intformer_session_run(s, long_ids.data(), nullptr, long_mask.data(), 1, 129, logits),
            INTFORMER_ERROR_INPUT_TOO_LONG);
  const char* two[] = {"a", "b"};
  EXPECT_EQ(intformer_session_run_text(s, two, nullptr, 2, logits),
            INTFORMER_ERROR_INVALID_ARGUMENT);
  // Text longer than max_seq is truncated, not refused.
  std::string longer;
  for (int i = 0; i < 300; ++i) longer += "word ";
  size_t label = 9;
  EXPECT_EQ(intformer_session_classify(s, longer.c_str(), nullptr, &label, logits), INTFORMER_OK);
  EXPECT_EQ(intformer_session_classify(s, kTexts[0], nullptr, &label, logits), INTFORMER_OK);
  EXPECT_EQ(label, 1u);
  intformer_session_options o;
  intformer_session_options_init(&o);
  o.max_seq = 513;
  intformer_session* bad = nullptr;
  EXPECT_EQ(intformer_session_create(model_, &o, &bad), INTFORMER_ERROR_INVALID_ARGUMENT);
  intformer_session_destroy(s);
}

TEST_F(CApiModel, LoadsFromMemoryAlignedCopiedAndDamaged) {
  const size_t n = bytes_.size();
  std::unique_ptr<uint8_t[]> storage(new uint8_t[n + 128]);
  uint8_t* aligned = storage.get() + (64 - reinterpret_cast<uintptr_t>(storage.get()) % 64) % 64;
  std::memcpy(aligned, bytes_.data(), n);
  intformer_model* m = nullptr;
  ASSERT_EQ(intformer_model_load_buffer(aligned, n, 0, &m), INTFORMER_OK) << intformer_last_error();
  intformer_model_destroy(m);

  uint8_t* odd = aligned + 1;
  std::memmove(odd, aligned, n);
  m = nullptr;
  EXPECT_EQ(intformer_model_load_buffer(odd, n, 0, &m), INTFORMER_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(intformer_model_load_buffer(odd, n, INTFORMER_LOAD_COPY_BUFFER, &m), INTFORMER_OK);
  std::memset(odd, 0, n);  // the copy must not depend on the caller's buffer any more
  intformer_session* s = nullptr;
  ASSERT_EQ(intformer_session_create(m, nullptr, &s), INTFORMER_OK);
  size_t label = 9;
  EXPECT_EQ(intformer_session_classify(s, kTexts[0], nullptr, &label, nullptr), INTFORMER_OK);
  EXPECT_EQ(label, 1u);
  intformer_session_destroy(s);
  intformer_model_destroy(m);

  // One flipped bit mid-file (the word embeddings, most of the file): caught at load unless
  // blob checks are skipped.
  std::memcpy(aligned, bytes_.data(), n);
  aligned[n / 2] ^= 0x01;
  m = nullptr;
  EXPECT_EQ(intformer_model_load_buffer(aligned, n, 0, &m), INTFORMER_ERROR_CHECKSUM_MISMATCH);
  EXPECT_NE(std::string(intformer_last_error()), "");
  EXPECT_EQ(intformer_model_load_buffer(aligned, n, INTFORMER_LOAD_SKIP_BLOB_CHECKSUMS, &m),
            INTFORMER_OK);
  intformer_model_destroy(m);
  EXPECT_EQ(intformer_model_load_buffer(aligned, n / 2, 0, &m), INTFORMER_ERROR_TRUNCATED_FILE);
}

}  // namespace
