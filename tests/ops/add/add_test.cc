// Residual add: every variant bit-exact with ref (lengths 1..2*lanes+1 and long, INT32 extremes,
// -128/127, extreme dyadics); ref against double math through the offline common scale.
#include "ops/add/add.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/test_util.h"
#include "tools/offline/add_params.h"
#include "tools/offline/quant_params.h"

namespace intformer {
namespace {

class AddVariant : public ::testing::TestWithParam<const AddKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

TEST_P(AddVariant, BitExactWithRef) {
  const AddKernel& k = *GetParam();
  test::Rng rng(31);
  INTFORMER_SEED_TRACE(rng);
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 33; ++n) lengths.push_back(n);
  for (size_t n : {64, 100, 768, 1025}) lengths.push_back(n);
  const Dyadic extremes[] = {kDyadicOne, {0, 1}, {INT32_MAX, 1}, {INT32_MAX, 62}, {1 << 30, 62},
                             {1 << 30, 1}, {INT32_MAX, 31}};
  for (size_t n : lengths) {
    for (int trial = 0; trial < 12; ++trial) {
      std::vector<int32_t> a(n);
      std::vector<int8_t> b(n);
      for (size_t i = 0; i < n; ++i) {
        const int kind = rng.Uniform(0, 5);
        a[i] = kind == 0 ? INT32_MIN : kind == 1 ? INT32_MAX : rng.Uniform(INT32_MIN, INT32_MAX);
        b[i] = static_cast<int8_t>(kind == 2 ? -128 : kind == 3 ? 127 : rng.Uniform(-128, 127));
      }
      AddParams p;
      if (trial < 7) {
        p.a_scale = extremes[trial];
        p.b_scale = extremes[(trial + 3) % 7];
      } else {
        p.a_scale = {rng.Uniform(1 << 30, INT32_MAX), rng.Uniform(1, 62)};
        p.b_scale = {rng.Uniform(1 << 30, INT32_MAX), rng.Uniform(1, 62)};
      }
      std::vector<int32_t> want(n), got(n, 0x55);
      AddS32S8Ref(a.data(), b.data(), want.data(), n, p);
      k.s32_s8(a.data(), b.data(), got.data(), n, p);
      ASSERT_EQ(got, want) << "n=" << n << " trial=" << trial;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, AddVariant,
                         ::testing::ValuesIn(test::AllKernels(kAddKernels, kAddKernelCount)),
                         test::KernelName<AddKernel>);

TEST(AddRef, SaturatesBothWays) {
  const AddParams p{kDyadicOne, {1 << 30, 7}};  // r_b = 2^30 / 2^7 = 2^23, the largest allowed
  const int32_t a[] = {INT32_MAX, INT32_MIN, INT32_MAX - 5, 0};
  const int8_t b[] = {127, -128, -1, -128};
  int32_t d[4];
  AddS32S8Ref(a, b, d, 4, p);
  EXPECT_EQ(d[0], INT32_MAX);
  EXPECT_EQ(d[1], INT32_MIN);
  EXPECT_EQ(d[2], INT32_MAX - 5 - (1 << 23));
  EXPECT_EQ(d[3], -(1 << 30));
}

// Real values a*s_a + b*s_b against the integer sum at S_c: error <= 1/2 unit of S_c (the one
// rounded term) plus the dyadic's relative 2^-31.
TEST(AddRef, AgainstDouble) {
  test::Rng rng(32);
  INTFORMER_SEED_TRACE(rng);
  const double pairs[][2] = {{1e-4, 0.05}, {0.05, 1e-4}, {0.01, 0.01}, {3e-6, 0.1}, {0.02, 0.0131}};
  for (const auto& sc : pairs) {
    offline::AddConstants c;
    std::string why;
    ASSERT_TRUE(offline::AddConstantsFromScales(sc[0], sc[1], &c, &why)) << why;
    const size_t n = 4096;
    std::vector<int32_t> a(n), dst(n);
    std::vector<int8_t> b(n);
    // |a| s_a up to 20 real units: a residual-stream magnitude.
    const int32_t amax = static_cast<int32_t>(std::min(2e9, 20.0 / sc[0]));
    for (size_t i = 0; i < n; ++i) {
      a[i] = rng.Uniform(-amax, amax);
      b[i] = static_cast<int8_t>(rng.Uniform(-128, 127));
    }
    AddS32S8Ref(a.data(), b.data(), dst.data(), n, c.params);
    double max_err = 0;
    for (size_t i = 0; i < n; ++i) {
      const double want = (a[i] * sc[0] + b[i] * sc[1]) / c.s_out;
      max_err = std::max(max_err, std::fabs(dst[i] - want));
    }
    const double bound = 0.5 + 2.0 * (amax * sc[0] + 128 * sc[1]) / c.s_out * std::ldexp(1.0, -31) + 1e-9;
    std::printf("add vs double: s_a=%g s_b=%g S_c=%g  max|err|=%.4g units of S_c, bound %.4g\n",
                sc[0], sc[1], c.s_out, max_err, bound);
    EXPECT_LE(max_err, bound);
  }
  offline::AddConstants c;
  EXPECT_FALSE(offline::AddConstantsFromScales(1e-9, 1.0, &c));  // r_b = 1e9 > 2^23
  EXPECT_FALSE(offline::AddConstantsFromScales(-1.0, 1.0, &c));
}

}  // namespace
}  // namespace intformer
