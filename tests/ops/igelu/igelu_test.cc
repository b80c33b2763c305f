// i-GELU: every variant bit-exact with ref over lengths, extreme inputs and the extreme scales the
// offline helper admits; ref against double-precision erf-GELU with I-BERT's reported bounds.
#include "ops/igelu/igelu.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "tests/test_util.h"
#include "tools/offline/igelu_params.h"

namespace intformer {
namespace {

using offline::IGeluScales;

double Gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

// I-BERT's GELU in exact (double) arithmetic: what the integers approximate.
double PolyGelu(double x) {
  const double u = std::fabs(x) / std::sqrt(2.0);
  const double m = std::fmin(u, -offline::kIGeluB) + offline::kIGeluB;
  const double erf = (x > 0 ? 1 : x < 0 ? -1 : 0) * (offline::kIGeluA * m * m + 1.0);
  return 0.5 * x * (1.0 + erf);
}

// The kernel's own rounding on top of the polynomial: half a grid step times GELU's slope
// (<= 1.13) plus half a step of E times |x| <= 2.5 over 2*one (igelu_params.h).
double QuantBudget(const IGeluParams& p) { return 1.25 / p.clip + 0.625 / p.one; }

// (S_in, S_out) pairs: realistic FFN1 scales and the extremes the offline helper admits.
struct Scales {
  double in, out;
};
const Scales kScales[] = {
    {std::ldexp(1.0, -20), 10.0 / 127}, {1e-5, 8.0 / 127}, {2.5e-3, 6.0 / 127}, {2e-14, 1e-6},
    {8e4, 4.0},                         {0.5, 4.5},        {1e-3, 1e-9},      {std::ldexp(1.0, -31), 0.02},
};

IGeluParams MustParams(Scales s, IGeluScales* sc = nullptr) {
  IGeluParams p;
  std::string why;
  EXPECT_TRUE(offline::IGeluParamsFromScales(s.in, s.out, &p, &why, sc)) << why;
  return p;
}

// L2 is the RMS of (approx - exact) over a uniform grid of 400001 points on [-R, R] (I-BERT
// reports over [-4, 4]); L-inf the max. The pre-output (int32, before the int8 requant) is what
// I-BERT's bounds describe; the int8 output adds its own rounding, checked separately.
//
// I-BERT prints L2 0.0082 and L-inf 0.018. The polynomial itself, in exact arithmetic, has
// RMS 0.008188 and max 0.018152 (at |x| = 2.35): L-inf <= 0.018 is unattainable with these
// coefficients, so L-inf is asserted against the polynomial's own max plus our documented
// rounding budget (5.8e-5); L2 is asserted against I-BERT's 0.0082 as is.
TEST(IGeluRef, PreOutputWithinIBertBounds) {
  for (const Scales s : {kScales[0], kScales[1], kScales[2]}) {
    IGeluScales sc;
    const IGeluParams p = MustParams(s, &sc);
    for (double range : {4.0, 10.0}) {
      const int kPoints = 400001;
      double sum2 = 0, worst = 0, poly_sum2 = 0, poly_worst = 0;
      for (int i = 0; i < kPoints; ++i) {
        const double x = -range + 2 * range * i / (kPoints - 1);
        const int32_t q = static_cast<int32_t>(std::lround(x / s.in));
        // Above the knee the kernel returns x itself (the I-BERT GELU is exactly x there).
        const int32_t w = IGeluWork(q, p);
        const double pre = w == p.clip ? q * s.in : IGeluPre(w, p) * sc.pre;
        const double err = pre - Gelu(q * s.in);
        const double poly_err = PolyGelu(q * s.in) - Gelu(q * s.in);
        sum2 += err * err;
        worst = std::fmax(worst, std::fabs(err));
        poly_sum2 += poly_err * poly_err;
        poly_worst = std::fmax(poly_worst, std::fabs(poly_err));
      }
      const double rms = std::sqrt(sum2 / kPoints);
      std::printf("i-GELU pre-output S_in=%.3g |x|<=%g: L2(RMS)=%.6f Linf=%.6f; exact polynomial: "
                  "L2=%.6f Linf=%.6f (clip=%d one=%d S_w=%.3g)\n", s.in, range, rms, worst,
                  std::sqrt(poly_sum2 / kPoints), poly_worst, p.clip, p.one, sc.work);
      RecordProperty("rms_" + std::to_string(int(range)), std::to_string(rms));
      RecordProperty("linf_" + std::to_string(int(range)), std::to_string(worst));
      EXPECT_LE(rms, 0.0082);
      EXPECT_LE(worst, poly_worst + QuantBudget(p));
      EXPECT_LE(poly_worst, 0.018152);
    }
  }
}

TEST(IGeluRef, Int8OutputWithinPolynomialPlusHalfStep) {
  for (const Scales s : {kScales[0], kScales[1], kScales[2]}) {
    const IGeluParams p = MustParams(s);
    const double bound = 0.018152 + QuantBudget(p) + s.out / 2 * (1 + 1e-6);
    double worst = 0;
    for (int i = 0; i <= 200000; ++i) {
      const double x = -10.0 + 20.0 * i / 200000;
      const int32_t q = static_cast<int32_t>(std::lround(x / s.in));
      const double want = std::fmin(Gelu(q * s.in), 127 * s.out);  // int8 saturates at 127
      worst = std::fmax(worst, std::fabs(IGeluOne(q, p) * s.out - want));
    }
    std::printf("i-GELU int8 output S_in=%.3g S_out=%.4f |x|<=10: Linf=%.6f (bound 0.018152 + "
                "%.2g + S_out/2 = %.6f)\n", s.in, s.out, worst, QuantBudget(p), bound);
    EXPECT_LE(worst, bound);
  }
}

TEST(IGeluRef, SaturationAndTails) {
  const IGeluParams p = MustParams(kScales[0]);
  EXPECT_EQ(IGeluOne(INT32_MAX, p), 127);
  EXPECT_EQ(IGeluOne(INT32_MIN, p), 0);
  EXPECT_EQ(IGeluOne(0, p), 0);
  EXPECT_EQ(IGeluOne(-(3 << 20), p), 0);  // x = -3: exactly 0 beyond the knee
}

TEST(IGeluOffline, RejectsOutOfRangeScales) {
  IGeluParams p;
  std::string why;
  EXPECT_FALSE(offline::IGeluParamsFromScales(1e-5, 50.0, &p, &why));
  EXPECT_NE(why.find("S_out too large"), std::string::npos) << why;
  EXPECT_FALSE(offline::IGeluParamsFromScales(1e-15, 1e-6, &p, &why));
  EXPECT_NE(why.find("S_in outside"), std::string::npos) << why;
  EXPECT_FALSE(offline::IGeluParamsFromScales(1e5, 4.0, &p, &why));
  EXPECT_NE(why.find("S_in outside"), std::string::npos) << why;
  EXPECT_FALSE(offline::IGeluParamsFromScales(1.0, 1e-10, &p, &why));
  EXPECT_NE(why.find("S_in/S_out"), std::string::npos) << why;
  EXPECT_FALSE(offline::IGeluParamsFromScales(-1.0, 0.05, &p, &why));
  EXPECT_FALSE(offline::IGeluParamsFromScales(std::numeric_limits<double>::quiet_NaN(), 0.05, &p,
                                              &why));
  for (const Scales s : kScales) EXPECT_EQ(IGeluParamsInvalid(MustParams(s)), nullptr);
  IGeluParams bad = MustParams(kScales[0]);
  bad.one += 1;
  EXPECT_NE(IGeluParamsInvalid(bad), nullptr);
}

class IGeluVariant : public ::testing::TestWithParam<const IGeluKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

void ExpectSame(const IGeluKernel& k, const std::vector<int32_t>& src, const IGeluParams& p,
                const char* what) {
  std::vector<int8_t> want(src.size()), got(src.size(), 0x55);
  IGeluRef(src.data(), want.data(), src.size(), p);
  k.run(src.data(), got.data(), src.size(), p);
  ASSERT_EQ(got, want) << what << " n=" << src.size();
}

TEST_P(IGeluVariant, BitExactWithRef) {
  const IGeluKernel& k = *GetParam();
  test::Rng rng(11);
  INTFORMER_SEED_TRACE(rng);
  for (const Scales s : kScales) {
    const IGeluParams p = MustParams(s);
    SCOPED_TRACE("S_in=" + std::to_string(s.in) + " S_out=" + std::to_string(s.out));
    // Lengths 1..33 (two AVX-512 batches + 1) and rows up to 600, three input mixes each.
    for (size_t n = 1; n <= 600; n += n < 33 ? 1 : 97) {
      std::vector<int32_t> full(n), near(n), edges(n);
      const int32_t span = static_cast<int32_t>(std::fmin(2147483647.0, 3.0 * 2.5017 / s.in));
      for (size_t i = 0; i < n; ++i) {
        full[i] = rng.Uniform(INT32_MIN, INT32_MAX);
        near[i] = rng.Uniform(-span, span);  // the knee region on the working grid
        const int32_t pick[] = {INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1, 0, -1, 1,
                                span, -span, near[i]};
        edges[i] = pick[rng.Uniform(0, 9)];
      }
      ExpectSame(k, full, p, "full-range");
      ExpectSame(k, near, p, "knee-range");
      ExpectSame(k, edges, p, "extremes");
    }
  }
}

TEST_P(IGeluVariant, EveryInputAroundTheKnee) {
  // Every int32 with |x| <= 7.5 at S_in = 1e-5: each working-grid value, both branches.
  const IGeluKernel& k = *GetParam();
  const IGeluParams p = MustParams(kScales[1]);
  std::vector<int32_t> src;
  for (int32_t q = -750000; q <= 750000; ++q) src.push_back(q);
  ExpectSame(k, src, p, "dense");
}

INSTANTIATE_TEST_SUITE_P(All, IGeluVariant,
                         ::testing::ValuesIn(test::AllKernels(kIGeluKernels, kIGeluKernelCount)),
                         test::KernelName<IGeluKernel>);

}  // namespace
}  // namespace intformer
