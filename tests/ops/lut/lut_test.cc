// lut: every variant bit-exact with ref over all 256 inputs and lengths 1..65; the tanh table
// against double tanh (<= 1/2 output unit where not clamped) and its symmetry.
#include "ops/lut/lut.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/test_util.h"
#include "tools/offline/lut_params.h"

namespace intformer {
namespace {

class LutVariant : public ::testing::TestWithParam<const LutKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

TEST_P(LutVariant, BitExactWithRef) {
  const LutKernel& k = *GetParam();
  test::Rng rng(51);
  INTFORMER_SEED_TRACE(rng);
  const std::vector<int8_t> table = rng.Vector<int8_t>(256, -128, 127);
  std::vector<int8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<int8_t>(i - 128);
  std::vector<int8_t> got(256), want(256);
  k.s8(all.data(), got.data(), 256, table.data());
  for (int i = 0; i < 256; ++i) ASSERT_EQ(got[i], table[static_cast<uint8_t>(all[i])]) << i;
  for (size_t n = 1; n <= 65; ++n) {
    const std::vector<int8_t> src = rng.Vector<int8_t>(n, -128, 127);
    std::vector<int8_t> a(n), b(n, 0x55);
    LutS8Ref(src.data(), a.data(), n, table.data());
    k.s8(src.data(), b.data(), n, table.data());
    ASSERT_EQ(a, b) << "n=" << n;
    std::vector<int8_t> in_place = src;
    k.s8(in_place.data(), in_place.data(), n, table.data());
    ASSERT_EQ(in_place, a) << "in place, n=" << n;
  }
}

INSTANTIATE_TEST_SUITE_P(All, LutVariant,
                         ::testing::ValuesIn(test::AllKernels(kLutKernels, kLutKernelCount)),
                         test::KernelName<LutKernel>);

TEST(LutOffline, TanhAgainstDouble) {
  for (double s_in : {0.01, 3.0 / 127, 0.05, 0.2}) {
    const double s_out = 1.0 / 127;
    int8_t table[256];
    std::string why;
    ASSERT_TRUE(offline::BuildTanhLutS8(s_in, s_out, table, &why)) << why;
    double max_err = 0;
    for (int q = -128; q <= 127; ++q) {
      const double want = std::max(-128.0, std::min(127.0, std::tanh(q * s_in) / s_out));
      max_err = std::max(max_err, std::fabs(table[static_cast<uint8_t>(q)] - want));
      if (q > -128) {
        EXPECT_EQ(table[static_cast<uint8_t>(q)], -table[static_cast<uint8_t>(-q)]) << q;
      }
    }
    std::printf("tanh lut vs double: s_in=%g s_out=1/127  max|err|=%.4f output units (%.3g of tanh)\n",
                s_in, max_err, max_err * s_out);
    EXPECT_LE(max_err, 0.5);
  }
  int8_t table[256];
  EXPECT_FALSE(offline::BuildTanhLutS8(0.0, 1.0, table));
  EXPECT_FALSE(offline::BuildLutS8([](double) { return NAN; }, 1.0, 1.0, table));
}

}  // namespace
}  // namespace intformer
