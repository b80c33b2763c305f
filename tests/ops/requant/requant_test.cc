// requant: every variant bit-exact with ref; ref exact against a 128-bit rational evaluation of
// floor(x * mult / 2^shift + 1/2); the offline float -> Dyadic conversion within half an ulp of
// its 31-bit mantissa.
#include "ops/requant/requant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/test_util.h"
#include "tools/offline/quant_params.h"

namespace intformer {
namespace {

#if defined(__SIZEOF_INT128__)
// floor((x * mult + 2^(shift-1)) / 2^shift) with a true floor division in 128-bit arithmetic.
int64_t RationalRequant(int32_t x, Dyadic d) {
  const __int128 num = static_cast<__int128>(x) * d.mult + (static_cast<__int128>(1) << (d.shift - 1));
  const __int128 den = static_cast<__int128>(1) << d.shift;
  __int128 q = num / den;
  if (num % den != 0 && num < 0) --q;
  return static_cast<int64_t>(q);
}

TEST(RequantRef, ExactAgainstRational) {
  test::Rng rng(1);
  INTFORMER_SEED_TRACE(rng);
  const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -65536, -3, -2, -1, 0, 1, 2, 3, 65535,
                           INT32_MAX - 1, INT32_MAX};
  for (int shift = 1; shift <= 62; ++shift) {
    for (int trial = 0; trial < 2000; ++trial) {
      Dyadic d{rng.Uniform(0, INT32_MAX), shift};
      if (trial < 3) d.mult = trial == 0 ? 0 : trial == 1 ? (1 << 30) : INT32_MAX;
      const int32_t x = trial < 13 ? edges[trial] : rng.Uniform(INT32_MIN, INT32_MAX);
      ASSERT_EQ(RequantRaw(x, d), RationalRequant(x, d)) << "x=" << x << " mult=" << d.mult
                                                         << " shift=" << shift;
    }
  }
}
#endif

TEST(RequantRef, TiesRoundUp) {
  // r = 1/2: ties go toward +infinity for both signs.
  const Dyadic half{1 << 30, 31};
  EXPECT_EQ(RequantRaw(1, half), 1);    // 0.5 -> 1
  EXPECT_EQ(RequantRaw(-1, half), 0);   // -0.5 -> 0
  EXPECT_EQ(RequantRaw(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(RequantRaw(-3, half), -1);  // -1.5 -> -1
  EXPECT_EQ(RequantRaw(-4, half), -2);
}

TEST(RequantOffline, DyadicFromRealIsNearest) {
  test::Rng rng(2);
  INTFORMER_SEED_TRACE(rng);
  for (int i = 0; i < 20000; ++i) {
    const double real = std::ldexp(1.0 + rng.Uniform(0, 1 << 30) / double(1 << 30), rng.Uniform(-32, 29));
    bool ok = false;
    const Dyadic d = offline::DyadicFromReal(real, &ok);
    ASSERT_TRUE(ok) << real;
    ASSERT_TRUE(DyadicValid(d));
    ASSERT_GE(d.mult, 1 << 30);
    // Half an ulp of a 31-bit mantissa: relative error <= 2^-31.
    ASSERT_LE(std::fabs(offline::DyadicToReal(d) - real) / real, std::ldexp(1.0, -31)) << real;
  }
  bool ok = true;
  EXPECT_EQ(offline::DyadicFromReal(0.0, &ok).mult, 0);
  EXPECT_TRUE(ok);
  offline::DyadicFromReal(-1.0, &ok);
  EXPECT_FALSE(ok);
  offline::DyadicFromReal(std::ldexp(1.0, 31), &ok);
  EXPECT_FALSE(ok);
  offline::DyadicFromReal(std::numeric_limits<double>::quiet_NaN(), &ok);
  EXPECT_FALSE(ok);
  const Dyadic tiny = offline::DyadicFromReal(std::ldexp(1.0, -40), &ok);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(DyadicValid(tiny));
  EXPECT_EQ(tiny.shift, 62);
  EXPECT_EQ(offline::DyadicToReal(tiny), std::ldexp(1.0, -40));
}

class RequantVariant : public ::testing::TestWithParam<const RequantKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

TEST_P(RequantVariant, BitExactWithRef) {
  const RequantKernel& k = *GetParam();
  test::Rng rng(3);
  INTFORMER_SEED_TRACE(rng);
  for (size_t channels : {1, 3, 7, 8, 15, 16, 17, 31, 64, 768}) {
    for (size_t rows : {1, 2, 5}) {
      for (bool per_channel : {false, true}) {
        const size_t n = rows * channels;
        std::vector<int32_t> src(n);
        for (size_t i = 0; i < n; ++i) {
          const int kind = rng.Uniform(0, 9);
          src[i] = kind == 0 ? INT32_MIN : kind == 1 ? INT32_MAX : rng.Uniform(INT32_MIN, INT32_MAX);
        }
        std::vector<Dyadic> scale(per_channel ? channels : 1);
        for (Dyadic& d : scale) {
          d.shift = rng.Uniform(1, 62);
          d.mult = rng.Uniform(0, 3) == 0 ? INT32_MAX : rng.Uniform(1 << 30, INT32_MAX);
        }
        RequantParams p;
        p.scale = scale.data();
        p.channels = channels;
        p.per_channel = per_channel;
        for (int clamp = 0; clamp < 3; ++clamp) {
          p.lo = clamp == 0 ? INT32_MIN : clamp == 1 ? -32768 : -5;
          p.hi = clamp == 0 ? INT32_MAX : clamp == 1 ? 32767 : 100;
          std::vector<int8_t> want8(n), got8(n, 0x55);
          std::vector<int32_t> want32(n), got32(n, 0x55);
          RequantS32ToS8Ref(src.data(), want8.data(), n, p);
          k.s32_to_s8(src.data(), got8.data(), n, p);
          RequantS32ToS32Ref(src.data(), want32.data(), n, p);
          k.s32_to_s32(src.data(), got32.data(), n, p);
          ASSERT_EQ(got8, want8) << "channels=" << channels << " rows=" << rows
                                 << " per_channel=" << per_channel << " clamp=" << clamp;
          ASSERT_EQ(got32, want32) << "channels=" << channels << " rows=" << rows
                                   << " per_channel=" << per_channel << " clamp=" << clamp;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, RequantVariant,
                         ::testing::ValuesIn(test::AllKernels(kRequantKernels, kRequantKernelCount)),
                         test::KernelName<RequantKernel>);

}  // namespace
}  // namespace intformer
