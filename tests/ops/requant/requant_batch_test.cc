// RequantBatch (requant_xsimd.h) on NEON equals the scalar rule lane for lane: the xsimd-based
// ops (i-GELU, i-Softmax, i-LayerNorm, ...) rely on it for their exact rescaling steps.
#include <gtest/gtest.h>

#include <vector>

#include "ops/requant/requant.h"
#include "tests/test_util.h"

namespace intformer {
namespace test {

void RequantBatchNeonForTest(const int32_t* src, int32_t* dst, size_t n, Dyadic d, int32_t lo,
                             int32_t hi);

namespace {

TEST(RequantBatch, NeonEqualsScalarRule) {
  INTFORMER_SKIP_IF_MISSING(Isa::kNeon);
  Rng rng(4);
  INTFORMER_SEED_TRACE(rng);
  constexpr size_t kN = 64;  // a multiple of every batch size
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<int32_t> src = rng.Vector<int32_t>(kN, INT32_MIN, INT32_MAX);
    src[0] = INT32_MIN, src[1] = INT32_MAX, src[2] = -1, src[3] = 1;
    const Dyadic d{trial % 7 == 0 ? INT32_MAX : rng.Uniform(0, INT32_MAX), rng.Uniform(1, 62)};
    const int32_t lo = trial % 3 == 0 ? INT32_MIN : rng.Uniform(-100000, 0);
    const int32_t hi = trial % 3 == 0 ? INT32_MAX : rng.Uniform(0, 100000);
    std::vector<int32_t> got(kN);
    RequantBatchNeonForTest(src.data(), got.data(), kN, d, lo, hi);
    for (size_t i = 0; i < kN; ++i) {
      ASSERT_EQ(got[i], Clamp(RequantRaw(src[i], d), lo, hi))
          << "x=" << src[i] << " mult=" << d.mult << " shift=" << d.shift;
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace intformer
