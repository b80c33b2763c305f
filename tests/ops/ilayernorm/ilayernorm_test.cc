// i-LayerNorm: every variant bit-exact with ref (tails, widths 1..2*lanes+1, extreme inputs and
// constants); ref against double-precision LayerNorm on realistic residual-stream rows, with the
// bound of ilayernorm.h asserted and the measured error printed.
#include "ops/ilayernorm/ilayernorm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "tests/test_util.h"
#include "tools/offline/ilayernorm_params.h"

namespace intformer {
namespace {

class ILayerNormVariant : public ::testing::TestWithParam<const ILayerNormKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

// One row kind per `kind`: random small / large / full-range / extremes / constant / one outlier.
std::vector<int32_t> MakeRows(test::Rng& rng, size_t rows, size_t ch, int kind) {
  std::vector<int32_t> x(rows * ch);
  for (size_t r = 0; r < rows; ++r) {
    const int32_t base = rng.Uniform(-1000, 1000);
    for (size_t c = 0; c < ch; ++c) {
      int32_t& v = x[r * ch + c];
      switch (kind) {
        case 0: v = rng.Uniform(-300, 300); break;
        case 1: v = rng.Uniform(-(1 << 22), 1 << 22); break;
        case 2: v = rng.Uniform(INT32_MIN, INT32_MAX); break;
        case 3: v = rng.Uniform(0, 1) ? INT32_MIN : INT32_MAX; break;
        case 4: v = base; break;
        case 5: v = c == ch / 2 ? INT32_MAX : base + rng.Uniform(-2, 2); break;
        default: v = rng.Uniform(0, 3) == 0 ? INT32_MIN : rng.Uniform(-50, 50); break;
      }
    }
  }
  return x;
}

TEST_P(ILayerNormVariant, BitExactWithRef) {
  const ILayerNormKernel& k = *GetParam();
  test::Rng rng(21);
  INTFORMER_SEED_TRACE(rng);
  std::vector<size_t> widths;
  for (size_t c = 1; c <= 33; ++c) widths.push_back(c);  // 1 .. 2*16+1 covers every lane count
  for (size_t c : {63, 64, 65, 127, 768, 1024, 4099}) widths.push_back(c);
  for (size_t ch : widths) {
    for (int kind = 0; kind < 7; ++kind) {
      const size_t rows = ch > 1000 ? 2 : 3;
      const std::vector<int32_t> x = MakeRows(rng, rows, ch, kind);
      std::vector<int32_t> g(ch), b(ch);
      const int extreme = rng.Uniform(0, 3);
      for (size_t c = 0; c < ch; ++c) {
        g[c] = extreme == 0 ? (rng.Uniform(0, 1) ? 32768 : -32768) : rng.Uniform(-32768, 32768);
        b[c] = extreme == 0 ? (rng.Uniform(0, 1) ? (1 << 29) : -(1 << 29))
                            : rng.Uniform(-(1 << 29), 1 << 29);
      }
      ILayerNormParams p;
      p.channels = ch;
      p.gamma = g.data();
      p.bias = b.data();
      p.out_shift = extreme == 1 ? 16 : extreme == 2 ? 45 : rng.Uniform(16, 45);
      const int e = rng.Uniform(0, 3);
      p.eps = e == 0 ? 0 : e == 1 ? (int64_t{1} << 62) : rng.Uniform64(0, int64_t{1} << 40);
      ASSERT_TRUE(ILayerNormParamsValid(p));
      std::vector<int8_t> want(x.size()), got(x.size(), 0x55);
      ILayerNormRef(x.data(), want.data(), rows, p);
      k.run(x.data(), got.data(), rows, p);
      ASSERT_EQ(got, want) << "C=" << ch << " kind=" << kind << " T=" << p.out_shift
                           << " eps=" << p.eps;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, ILayerNormVariant,
                         ::testing::ValuesIn(test::AllKernels(kILayerNormKernels,
                                                              kILayerNormKernelCount)),
                         test::KernelName<ILayerNormKernel>);

// Residual-stream-like rows: N(0, 1) with a few heavy outlier channels (BERT's LayerNorm inputs
// have a handful of dimensions 10-20x larger than the rest), quantized at a scale that puts the
// row maximum at `max_int`; gamma ~ N(1, 0.3) (some negative), beta ~ N(0, 0.2).
struct Case {
  double max_int;
  double eps;
  size_t ch;
};

TEST(ILayerNormRef, AgainstDoubleLayerNorm) {
  test::Rng rng(22);
  INTFORMER_SEED_TRACE(rng);
  std::normal_distribution<double> normal(0.0, 1.0);
  const Case cases[] = {{100, 1e-12, 768}, {3000, 1e-5, 768}, {1 << 20, 1e-12, 768},
                        {1 << 20, 1e-5, 1024}, {2.0e9, 1e-12, 768}, {127, 1e-5, 64}};
  for (const Case& cs : cases) {
    const size_t ch = cs.ch, rows = 64;
    std::vector<float> gamma(ch), beta(ch);
    for (size_t c = 0; c < ch; ++c) {
      gamma[c] = static_cast<float>(1.0 + 0.3 * normal(rng.engine()));
      beta[c] = static_cast<float>(0.2 * normal(rng.engine()));
    }
    std::vector<double> real(rows * ch);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < ch; ++c) {
        const double outlier = (c % 97 == 5) ? 15.0 : 1.0;
        real[r * ch + c] = outlier * normal(rng.engine()) + 0.3;
      }
    }
    double amax = 0;
    for (double v : real) amax = std::max(amax, std::fabs(v));
    const double s_in = amax / cs.max_int;
    std::vector<int32_t> x(real.size());
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = static_cast<int32_t>(std::max(-2147483647.0, std::min(2147483647.0, std::nearbyint(real[i] / s_in))));
    }
    // Double LayerNorm of the same integer input; calibrate S_out on its range (as the converter).
    std::vector<double> want(x.size());
    double omax = 0;
    for (size_t r = 0; r < rows; ++r) {
      double mean = 0, var = 0;
      for (size_t c = 0; c < ch; ++c) mean += x[r * ch + c] * s_in;
      mean /= ch;
      for (size_t c = 0; c < ch; ++c) var += std::pow(x[r * ch + c] * s_in - mean, 2);
      var /= ch;
      for (size_t c = 0; c < ch; ++c) {
        const double z = (x[r * ch + c] * s_in - mean) / std::sqrt(var + cs.eps);
        want[r * ch + c] = gamma[c] * z + beta[c];
        omax = std::max(omax, std::fabs(want[r * ch + c]));
      }
    }
    const double s_out = omax / 127.0 * 0.9;  // a little clipping, as a percentile calibration
    offline::ILayerNormConstants k;
    std::string why;
    ASSERT_TRUE(offline::ILayerNormConstantsFromFloat(s_in, s_out, gamma.data(), beta.data(), ch,
                                                       cs.eps, &k, &why)) << why;
    const ILayerNormParams p = k.Params();
    ASSERT_TRUE(ILayerNormParamsValid(p));
    std::vector<int8_t> got(x.size());
    ILayerNormRef(x.data(), got.data(), rows, p);
    double max_err = 0;
    size_t off_by_one = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double ideal = std::max(-128.0, std::min(127.0, want[i] / s_out));
      max_err = std::max(max_err, std::fabs(got[i] - ideal));
      off_by_one += got[i] != static_cast<int>(std::floor(ideal + 0.5));
    }
    const double bound = 0.5 + std::ldexp(1.0, 28 - p.out_shift) + 1e-4;
    std::printf("ilayernorm vs double: C=%zu max_int=%.3g eps=%g T=%d eps_q=%lld  max|err|=%.5f "
                "output units (%.3g%% of the 255 range), bound %.5f, %zu/%zu differ from round\n",
                ch, cs.max_int, cs.eps, p.out_shift, static_cast<long long>(p.eps), max_err,
                100 * max_err / 255, bound, off_by_one, x.size());
    EXPECT_LE(max_err, bound);
  }
}

TEST(ILayerNormRef, ConstantRowGivesBeta) {
  const size_t ch = 16;
  std::vector<float> gamma(ch, 1.5f), beta(ch);
  for (size_t c = 0; c < ch; ++c) beta[c] = 0.05f * (static_cast<float>(c) - 8.0f);
  for (double eps : {0.0, 1e-12, 1e-5}) {
    offline::ILayerNormConstants k;
    ASSERT_TRUE(offline::ILayerNormConstantsFromFloat(0.01, 0.02, gamma.data(), beta.data(), ch,
                                                       eps, &k));
    for (int32_t v : {INT32_MIN, -7, 0, 12345, INT32_MAX}) {
      std::vector<int32_t> x(ch, v);
      std::vector<int8_t> y(ch);
      ILayerNormRef(x.data(), y.data(), 1, k.Params());
      for (size_t c = 0; c < ch; ++c) {
        EXPECT_EQ(y[c], ILayerNormAffine(0, k.gamma[c], k.bias[c], k.out_shift));
        EXPECT_LE(std::fabs(y[c] - beta[c] / 0.02), 0.5 + 1e-6) << c;
      }
    }
  }
}

TEST(ILayerNormOffline, RejectsBadInputs) {
  offline::ILayerNormConstants k;
  const float one = 1.0f, zero = 0.0f, huge = 1e30f, nan = std::nanf("");
  std::string why;
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(0, 1, &one, &zero, 1, 1e-5, &k, &why));
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(1, -1, &one, &zero, 1, 1e-5, &k, &why));
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(1, 1, &one, &zero, 0, 1e-5, &k, &why));
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(1, 1, &huge, &zero, 1, 1e-5, &k, &why));
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(1, 1, &nan, &zero, 1, 1e-5, &k, &why));
  EXPECT_FALSE(offline::ILayerNormConstantsFromFloat(1, 1, &one, &zero, 1, -1.0, &k, &why));
  EXPECT_TRUE(offline::ILayerNormConstantsFromFloat(1e-10, 1, &one, &zero, 1, 1.0, &k, &why));
  EXPECT_EQ(k.eps, int64_t{1} << 62);  // saturated
  ILayerNormParams p = k.Params();
  const char* reason = nullptr;
  EXPECT_TRUE(ILayerNormParamsValid(p, &reason));
  p.out_shift = 15;
  EXPECT_FALSE(ILayerNormParamsValid(p, &reason));
  EXPECT_NE(reason, nullptr);
}

}  // namespace
}  // namespace intformer
