// Dispatch honours INTFORMER_MAX_ISA and logs with INTFORMER_VERBOSE=dispatch. This binary is
// registered several times with different environments (tests/runtime/CMakeLists.txt), because
// the ISA state is read once per process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"
#include "runtime/dispatch.h"

namespace intformer {
namespace {

Isa CapFromEnv() {
  const char* cap = std::getenv("INTFORMER_MAX_ISA");
  Isa isa = Isa::kI8mm;  // no cap: the top of either ladder
  if (cap != nullptr && !ParseIsa(cap, &isa)) isa = Isa::kScalar;
  return isa;
}

TEST(Dispatch, ChoiceRespectsCap) {
  const Isa cap = CapFromEnv();
  const Isa best = BestEnabledIsa();
  if (cap == Isa::kScalar) {
    EXPECT_EQ(best, Isa::kScalar);
    EXPECT_EQ(GetRequantKernel().isa, Isa::kScalar);
    EXPECT_STREQ(GetRequantKernel().name, "ref");
  }
  if (cap == Isa::kAvx2) {
    EXPECT_FALSE(IsaEnabled(Isa::kAvx512));
    EXPECT_FALSE(IsaEnabled(Isa::kAvx512Vnni));
    EXPECT_EQ(IsaEnabled(Isa::kAvx2), CpuHasIsa(Isa::kAvx2));
  }
  if (cap == Isa::kNeon) {  // a cap of the other family leaves x86 alone, and vice versa
    EXPECT_EQ(IsaEnabled(Isa::kAvx512Vnni), CpuHasIsa(Isa::kAvx512Vnni));
    EXPECT_FALSE(IsaEnabled(Isa::kNeonDot));
  }
  if (cap == Isa::kNeonDot) {
    EXPECT_FALSE(IsaEnabled(Isa::kI8mm));
    EXPECT_EQ(IsaEnabled(Isa::kNeonDot), CpuHasIsa(Isa::kNeonDot));
    EXPECT_EQ(IsaEnabled(Isa::kNeon), CpuHasIsa(Isa::kNeon));
  }
  if (cap == Isa::kI8mm) {  // the top rung caps nothing
    EXPECT_EQ(IsaEnabled(Isa::kI8mm), CpuHasIsa(Isa::kI8mm));
    EXPECT_EQ(IsaEnabled(Isa::kNeonDot), CpuHasIsa(Isa::kNeonDot));
  }
  // Whatever the cap, the chosen variant is enabled and no enabled variant precedes it.
  const RequantKernel& chosen = GetRequantKernel();
  EXPECT_TRUE(IsaEnabled(chosen.isa));
  for (size_t i = 0; i < kRequantKernelCount && &kRequantKernels[i] != &chosen; ++i) {
    EXPECT_FALSE(IsaEnabled(kRequantKernels[i].isa)) << kRequantKernels[i].name;
  }
}

TEST(Dispatch, VerboseLogsTheChoice) {
  if (!VerboseEnabled("dispatch")) GTEST_SKIP() << "INTFORMER_VERBOSE=dispatch not set";
  // The choice is logged when the table is first consulted; consult a fresh op table here.
  testing::internal::CaptureStderr();
  const RequantKernel& k =
      SelectKernel("requant(test)", kRequantKernels, kRequantKernelCount);
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find(std::string("dispatch requant(test): use ") + k.name), std::string::npos)
      << log;
}

}  // namespace
}  // namespace intformer
