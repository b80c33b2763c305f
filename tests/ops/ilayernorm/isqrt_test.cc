// IsqrtU64: exact floor square root over every edge class and a dense random sample of the full
// uint64 range, against a reference that is right by construction (r*r <= x < (r+1)^2, exactly).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "ops/ilayernorm/ilayernorm.h"
#include "tests/test_util.h"

namespace intformer {
namespace {

// r^2 <= x  <=>  r <= floor(x / r) for r > 0: exact without a 128-bit type (32-bit ARM has none)
// and without overflow, since r <= 2^32 here.
bool SquareAtMost(uint64_t r, uint64_t x) { return r == 0 || r <= x / r; }

// The floor square root by its definition: start from the long-double root and step until
// r^2 <= x < (r+1)^2 holds.
uint64_t SlowIsqrt(uint64_t x) {
  uint64_t r = static_cast<uint64_t>(std::sqrt(static_cast<long double>(x)));
  while (!SquareAtMost(r, x)) --r;
  while (SquareAtMost(r + 1, x)) ++r;
  return r;
}

void Check(uint64_t x) { ASSERT_EQ(IsqrtU64(x), SlowIsqrt(x)) << "x=" << x; }

TEST(IsqrtU64, SmallValuesExhaustive) {
  for (uint64_t x = 0; x <= (1u << 20); ++x) Check(x);
}

TEST(IsqrtU64, PerfectSquaresAndNeighbours) {
  // n^2 - 1, n^2, n^2 + 1 for the first and last 2^18 roots and every root near a power of two.
  auto around = [](uint64_t n) {
    const uint64_t sq = n * n;
    Check(sq);
    if (sq > 0) Check(sq - 1);
    if (sq < UINT64_MAX) Check(sq + 1);
    ASSERT_EQ(IsqrtU64(sq), n);
  };
  for (uint64_t n = 0; n < (1u << 18); ++n) around(n);
  for (uint64_t n = 0xffffffffull - (1u << 18); n <= 0xffffffffull; ++n) around(n);
  for (int b = 1; b < 32; ++b) {
    for (int d = -3; d <= 3; ++d) {
      if (b > 1 || d >= -2) around((uint64_t{1} << b) + d);
    }
  }
  EXPECT_EQ(IsqrtU64(UINT64_MAX), 0xffffffffull);
}

TEST(IsqrtU64, PowersOfTwoAndNeighbours) {
  for (int b = 0; b < 64; ++b) {
    const uint64_t p = uint64_t{1} << b;
    Check(p);
    Check(p - 1);
    Check(p + 1);
    Check(p | (p - 1));  // all ones below and including bit b
  }
  Check(UINT64_MAX);
  Check(UINT64_MAX - 1);
}

TEST(IsqrtU64, DenseRandomFullRange) {
  test::Rng rng(11);
  INTFORMER_SEED_TRACE(rng);
  // Uniform over the full range, then uniform over each bit length (small values get their share).
  for (int i = 0; i < 2000000; ++i) Check(rng.engine()());
  for (int b = 1; b <= 64; ++b) {
    for (int i = 0; i < 20000; ++i) {
      const uint64_t x = rng.engine()() >> (64 - b);
      Check(x);
    }
  }
}

}  // namespace
}  // namespace intformer
