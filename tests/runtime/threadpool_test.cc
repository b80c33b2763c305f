// ThreadPool: the default mode's oversubscription switch (BurstPolicy, fed made-up clocks), and
// regions that cover every tile exactly once in each mode.
#include "runtime/threadpool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <vector>

namespace intformer {
namespace {

constexpr int64_t kMs = 1000000;

void Quiet(BurstPolicy* p) { p->PassEnded(10 * kMs, 10 * kMs); }
void Busy(BurstPolicy* p) { p->PassEnded(5 * kMs, 10 * kMs); }  // the caller had half a core

// Runs passes until the policy spins again; returns how many did not spin.
uint32_t YieldStretch(BurstPolicy* p) {
  uint32_t n = 0;
  while (!p->SpinNextPass()) {
    Quiet(p);
    ++n;
  }
  return n;
}

TEST(BurstPolicy, SpinsWhileTheCallerHasItsCore) {
  BurstPolicy p;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(p.SpinNextPass());
    Quiet(&p);
  }
  p.PassEnded(7 * kMs, 8 * kMs);  // exactly 7/8: still its core
  EXPECT_TRUE(p.SpinNextPass());
}

TEST(BurstPolicy, BusyPassStopsSpinningFor32Passes) {
  BurstPolicy p;
  Busy(&p);
  EXPECT_EQ(YieldStretch(&p), BurstPolicy::kYieldPassesMin);
  EXPECT_TRUE(p.SpinNextPass());  // the probe pass
}

TEST(BurstPolicy, StretchDoublesWhileProbesFindItBusyUpToTheCap) {
  BurstPolicy p;
  uint32_t want = BurstPolicy::kYieldPassesMin;
  for (int probe = 0; probe < 10; ++probe) {
    Busy(&p);  // the probe (or the first pass) finds the machine busy
    // Yield passes count down whatever their clocks say: busy ones included.
    uint32_t n = 0;
    while (!p.SpinNextPass()) {
      Busy(&p);
      ++n;
    }
    ASSERT_EQ(n, want) << "probe " << probe;
    want = want * 2 > BurstPolicy::kYieldPassesMax ? BurstPolicy::kYieldPassesMax : want * 2;
  }
}

TEST(BurstPolicy, QuietProbeResetsTheStretch) {
  BurstPolicy p;
  Busy(&p);
  YieldStretch(&p);
  Busy(&p);  // second stretch: 64
  EXPECT_EQ(YieldStretch(&p), 2 * BurstPolicy::kYieldPassesMin);
  Quiet(&p);  // the probe is quiet: spin, and the next busy pass starts over at 32
  EXPECT_TRUE(p.SpinNextPass());
  Busy(&p);
  EXPECT_EQ(YieldStretch(&p), BurstPolicy::kYieldPassesMin);
}

// Every mode runs every tile once, inside and outside Begin() / Rest(), also after a pass that
// switched the default mode to yield.
TEST(ThreadPool, EveryModeCoversEachTileOnce) {
  for (const char* mode : {"", "spin", "yield"}) {
    if (*mode != '\0') {
      setenv("INTFORMER_POOL", mode, 1);
    } else {
      unsetenv("INTFORMER_POOL");
    }
    ThreadPool pool(3);
    for (int pass = 0; pass < 4; ++pass) {
      std::vector<std::atomic<int>> hits(7 * 5);
      if (pass % 2 == 0) pool.Begin();
      pool.Run2D(7, 5, [&](size_t i, size_t j) { hits[i * 5 + j].fetch_add(1); });
      if (pass % 2 == 0) pool.Rest();
      for (auto& h : hits) ASSERT_EQ(h.load(), 1) << "mode '" << mode << "' pass " << pass;
    }
  }
  unsetenv("INTFORMER_POOL");
}

}  // namespace
}  // namespace intformer
