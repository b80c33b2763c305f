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
