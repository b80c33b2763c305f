// i-Softmax: every variant bit-exact with ref (lengths, masks, extreme scores and scales); ref
// against double-precision softmax with a stated bound; masked keys exactly 0.
#include "ops/isoftmax/isoftmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "tests/test_util.h"
#include "tools/offline/isoftmax_params.h"

namespace intformer {
namespace {

ISoftmaxParams MustParams(double s_in) {
  ISoftmaxParams p;
  std::string why;
  EXPECT_TRUE(offline::ISoftmaxParamsFromScale(s_in, &p, &why)) << s_in << ": " << why;
  return p;
}

// Scales: realistic (S_q * S_k / 8 for int8 Q, K) and the extremes the offline helper admits.
const double kScales[] = {3e-4, 1.0 / 1024, 0.02, 7.5e-9, 4e4, 1.0};

// Per-probability bound: half an output step, twice the polynomial's relative error 0.0031
// (numerator and denominator), 1e-4 for the truncated shifts; the clip of p ~ 1 to 127/128
// (error <= 1/128) is inside it.
constexpr double kProbBound = 1.0 / 256 + 2.02 * 0.0031 + 1e-4;

std::vector<uint8_t> RandomMask(test::Rng& rng, size_t cols, int kind) {
  std::vector<uint8_t> m(cols, 1);
  for (size_t j = 0; j < cols; ++j) {
    if (kind == 1) m[j] = rng.Uniform(0, 3) != 0;            // scattered padding
    if (kind == 2) m[j] = j < (cols + 1) / 2;                // trailing padding
    if (kind == 3) m[j] = j == cols / 2;                     // one key
    if (kind == 4) m[j] = 0;                                 // nothing to attend to
  }
  if (kind == 1 && rng.Uniform(0, 1)) m[rng.Uniform(0, int32_t(cols) - 1)] = 255;  // any non-zero
  return m;
}

TEST(ISoftmaxRef, AgainstDoubleSoftmax) {
  test::Rng rng(21);
  INTFORMER_SEED_TRACE(rng);
  for (double s_in : {3e-4, 1.0 / 1024, 0.02}) {
    const ISoftmaxParams p = MustParams(s_in);
    double worst = 0, worst_unclipped = 0, worst_sum = 0, worst_sum_small = 0, sum_err_total = 0;
    size_t rows_seen = 0;
    for (int trial = 0; trial < 400; ++trial) {
      const size_t cols = trial < 100 ? trial + 1 : rng.Uniform(1, 600);
      // Real score spreads from flat (0.5) to peaked (30) around a random offset.
      const double spread = trial % 4 == 0 ? 0.5 : trial % 4 == 1 ? 4 : trial % 4 == 2 ? 10 : 30;
      const int32_t off = rng.Uniform(-(1 << 20), 1 << 20);
      const int32_t r = static_cast<int32_t>(std::fmin(spread / s_in, 1 << 29));
      std::vector<int32_t> src(cols);
      for (int32_t& q : src) q = off + rng.Uniform(-r, r);
      const std::vector<uint8_t> mask = RandomMask(rng, cols, trial % 3);
      std::vector<int8_t> dst(cols);
      ISoftmaxRef(src.data(), mask.data(), dst.data(), 1, cols, p);
      double mx = -1e300, denom = 0;
      size_t valid = 0;
      for (size_t j = 0; j < cols; ++j) {
        if (mask[j]) mx = std::fmax(mx, src[j] * s_in), ++valid;
      }
      for (size_t j = 0; j < cols; ++j) {
        if (mask[j]) denom += std::exp(src[j] * s_in - mx);
      }
      double got_sum = 0;
      for (size_t j = 0; j < cols; ++j) {
        if (!mask[j]) {
          ASSERT_EQ(dst[j], 0) << "masked key " << j;
          continue;
        }
        const double want = std::exp(src[j] * s_in - mx) / denom;
        ASSERT_GE(dst[j], 0);
        worst = std::fmax(worst, std::fabs(dst[j] / 128.0 - want));
        if (want < 0.99) worst_unclipped = std::fmax(worst_unclipped, std::fabs(dst[j] / 128.0 - want));
        got_sum += dst[j] / 128.0;
      }
      if (valid == 0) continue;
      // Row sum: each probability is off by at most kProbBound - (polynomial part) per key in
      // rounding, the polynomial part once for the row.
      const double sum_err = std::fabs(got_sum - 1.0);
      EXPECT_LE(sum_err, valid / 256.0 + 1.0 / 256 + 2.02 * 0.0031 + 1e-4) << "cols " << cols;
      worst_sum = std::fmax(worst_sum, sum_err);
      if (valid <= 32) worst_sum_small = std::fmax(worst_sum_small, sum_err);
      sum_err_total += sum_err;
      ++rows_seen;
    }
    std::printf("i-Softmax S_in=%.3g: max |p_int/128 - p| = %.5f (bound %.5f; %.5f where p < 0.99), "
                "row sum error: max %.5f (<= 32 keys: %.5f) mean %.5f over %zu rows of 1..600 "
                "keys\n", s_in, worst, kProbBound, worst_unclipped, worst_sum, worst_sum_small,
                sum_err_total / rows_seen, rows_seen);
    RecordProperty("max_prob_err", std::to_string(worst));
    EXPECT_LE(worst, kProbBound);
  }
}

TEST(ISoftmaxRef, MaskAndDegenerateRows) {
  const ISoftmaxParams p = MustParams(3e-4);
  std::vector<int32_t> src = {5, INT32_MAX, -7, INT32_MIN};
  std::vector<uint8_t> none(4, 0), one = {0, 0, 1, 0};
  std::vector<int8_t> dst(4, 0x55);
  ISoftmaxRef(src.data(), none.data(), dst.data(), 1, 4, p);
  EXPECT_EQ(dst, std::vector<int8_t>(4, 0));  // all keys padded: all zeros
  ISoftmaxRef(src.data(), one.data(), dst.data(), 1, 4, p);
  EXPECT_EQ(dst, (std::vector<int8_t>{0, 0, 127, 0}));  // one key: p = 1, clipped to 127
  ISoftmaxRef(src.data(), nullptr, dst.data(), 1, 4, p);
  EXPECT_EQ(dst, (std::vector<int8_t>{0, 127, 0, 0}));  // INT32_MAX dominates
  std::vector<int32_t> flat(2, INT32_MIN);
  ISoftmaxRef(flat.data(), nullptr, dst.data(), 1, 2, p);
  EXPECT_EQ(dst[0], 64);
  EXPECT_EQ(dst[1], 64);
}

TEST(ISoftmaxOffline, ScalesAndRejections) {
  for (double s : kScales) EXPECT_EQ(ISoftmaxParamsInvalid(MustParams(s)), nullptr) << s;
  ISoftmaxParams p;
  std::string why;
  EXPECT_FALSE(offline::ISoftmaxParamsFromScale(7e-9, &p, &why));
  EXPECT_NE(why.find("too small"), std::string::npos) << why;
  EXPECT_FALSE(offline::ISoftmaxParamsFromScale(5e4, &p, &why));
  EXPECT_NE(why.find("dyadic range"), std::string::npos) << why;
  EXPECT_FALSE(offline::ISoftmaxParamsFromScale(0.0, &p, &why));
  EXPECT_FALSE(offline::ISoftmaxParamsFromScale(std::numeric_limits<double>::infinity(), &p, &why));
  const ISoftmaxParams good = MustParams(3e-4);
  std::vector<int32_t> src(4);
  std::vector<int8_t> dst(4);
  EXPECT_NE(ISoftmax(src.data(), nullptr, dst.data(), 1, kISoftmaxMaxCols + 1, good), nullptr);
  ISoftmaxParams bad = good;
  bad.poly_b = 50000;
  EXPECT_NE(ISoftmax(src.data(), nullptr, dst.data(), 1, 4, bad), nullptr);
  EXPECT_EQ(ISoftmax(src.data(), nullptr, dst.data(), 1, 4, good), nullptr);
}

TEST(ISoftmaxRef, NormDyadicIsFloorOfReciprocal) {
  for (uint64_t s : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{6089000}, uint64_t{1} << 31,
                     (uint64_t{1} << 32) + 12345, (uint64_t{1} << 39) - 1}) {
    const Dyadic d = ISoftmaxNorm(s);
    ASSERT_TRUE(DyadicValid(d)) << s;
    ASSERT_GE(d.mult, 1 << 30) << s;
    const double rel = std::ldexp(double(d.mult), -d.shift) / (128.0 / double(s)) - 1;
    EXPECT_LE(std::fabs(rel), std::ldexp(1.0, -29)) << s;
  }
}

class ISoftmaxVariant : public ::testing::TestWithParam<const ISoftmaxKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

void ExpectSame(const ISoftmaxKernel& k, const std::vector<int32_t>& src, const uint8_t* mask,
                size_t rows, size_t cols, const ISoftmaxParams& p, const std::string& what) {
  std::vector<int8_t> want(rows * cols), got(rows * cols, 0x55);
  ISoftmaxRef(src.data(), mask, want.data(), rows, cols, p);
  k.run(src.data(), mask, got.data(), rows, cols, p);
  ASSERT_EQ(got, want) << what << " rows=" << rows << " cols=" << cols;
}

TEST_P(ISoftmaxVariant, BitExactWithRef) {
  const ISoftmaxKernel& k = *GetParam();
  test::Rng rng(22);
  INTFORMER_SEED_TRACE(rng);
  for (double s_in : kScales) {
    const ISoftmaxParams p = MustParams(s_in);
    SCOPED_TRACE("S_in=" + std::to_string(s_in));
    // Lengths 1..33 (two AVX-512 batches + 1), then rows of up to 600 keys.
    for (size_t cols = 1; cols <= 600; cols += cols < 33 ? 1 : 89) {
      const size_t rows = rng.Uniform(1, 3);
      const int32_t span = static_cast<int32_t>(std::fmin(2147483647.0, 20.0 / s_in));
      std::vector<int32_t> near(rows * cols), full(rows * cols), edges(rows * cols);
      for (size_t i = 0; i < rows * cols; ++i) {
        near[i] = rng.Uniform(-span / 2, span / 2);
        full[i] = rng.Uniform(INT32_MIN, INT32_MAX);
        const int32_t pick[] = {INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1, 0, near[i]};
        edges[i] = pick[rng.Uniform(0, 5)];
      }
      for (int kind = 0; kind < 5; ++kind) {
        const std::vector<uint8_t> mask = RandomMask(rng, cols, kind);
        const std::string what = "mask kind " + std::to_string(kind);
        ExpectSame(k, near, mask.data(), rows, cols, p, what + " near");
        ExpectSame(k, full, mask.data(), rows, cols, p, what + " full-range");
        ExpectSame(k, edges, mask.data(), rows, cols, p, what + " extremes");
      }
      ExpectSame(k, near, nullptr, rows, cols, p, "no mask");
    }
  }
}

TEST_P(ISoftmaxVariant, LongRowsFlushPartialSums) {
  // 4096 equal scores: every e is the maximum, so the int32 lane sums are flushed at their limit;
  // rows past 1024 keys also take the path that computes e again in pass 3.
  const ISoftmaxKernel& k = *GetParam();
  const ISoftmaxParams p = MustParams(3e-4);
  for (size_t cols : {1024, 1040, 2048, 4096, 4097, 9000}) {  // around the kept-e limit too
    std::vector<int32_t> src(cols, 12345);
    ExpectSame(k, src, nullptr, 1, cols, p, "flat");
    test::Rng rng(23);
    for (int32_t& q : src) q = rng.Uniform(-20000, 20000);
    ExpectSame(k, src, nullptr, 2, cols / 2, p, "random");
  }
}

INSTANTIATE_TEST_SUITE_P(All, ISoftmaxVariant,
                         ::testing::ValuesIn(test::AllKernels(kISoftmaxKernels,
                                                              kISoftmaxKernelCount)),
                         test::KernelName<ISoftmaxKernel>);

}  // namespace
}  // namespace intformer
