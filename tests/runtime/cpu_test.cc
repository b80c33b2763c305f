#include "runtime/cpu.h"

#include <gtest/gtest.h>

namespace intformer {
namespace {

TEST(Cpu, ScalarAlwaysAvailable) {
  EXPECT_TRUE(CpuHasIsa(Isa::kScalar));
  EXPECT_TRUE(IsaEnabled(Isa::kScalar));
}

TEST(Cpu, NamesRoundTrip) {
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni, Isa::kNeon,
                  Isa::kNeonDot, Isa::kI8mm, Isa::kAmxInt8}) {
    Isa parsed = Isa::kScalar;
    ASSERT_TRUE(ParseIsa(IsaName(isa), &parsed)) << IsaName(isa);
    EXPECT_EQ(parsed, isa);
  }
  Isa x = Isa::kAvx2;
  EXPECT_FALSE(ParseIsa("avx3", &x));
  EXPECT_EQ(x, Isa::kAvx2);
}

TEST(Cpu, LadderIsMonotone) {
  // A CPU with a higher rung has the lower ones of its family. (Braces: EXPECT_* is an if/else.)
  if (CpuHasIsa(Isa::kAmxInt8)) {
    EXPECT_TRUE(CpuHasIsa(Isa::kAvx512Vnni));
  }
  if (CpuHasIsa(Isa::kAvx512Vnni)) {
    EXPECT_TRUE(CpuHasIsa(Isa::kAvx512));
  }
  if (CpuHasIsa(Isa::kAvx512)) {
    EXPECT_TRUE(CpuHasIsa(Isa::kAvx2));
  }
  if (CpuHasIsa(Isa::kI8mm)) {
    EXPECT_TRUE(CpuHasIsa(Isa::kNeonDot));
  }
  if (CpuHasIsa(Isa::kNeonDot)) {
    EXPECT_TRUE(CpuHasIsa(Isa::kNeon));
  }
}

}  // namespace
}  // namespace intformer
