#include "bench/ceiling/ceiling.h"

#include <chrono>

namespace intformer {
namespace bench {
namespace {

using Loop = uint64_t (*)(uint64_t, int32_t*);

double Measure(Loop loop, uint64_t iters, int reps) {
  double best = 0;
  int32_t sink = 1;
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t macs = loop(iters, &sink);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s > 0 && macs / s > best) best = macs / s;
  }
  volatile int32_t keep = sink;  // the checksum keeps the loop alive
  (void)keep;
  return best * 1e-9;
}

}  // namespace

double MeasureCeilingGmacs(Isa isa, int reps) {
#if INTFORMER_CEILING_X86
  if (!CpuHasIsa(isa)) return 0;
  switch (isa) {
    case Isa::kAvx2: return Measure(CeilingLoopAvx2, 40000, reps);
    case Isa::kAvx512Vnni: return Measure(CeilingLoopAvx512Vnni, 40000, reps);
#if INTFORMER_CEILING_AMX
    case Isa::kAmxInt8: return Measure(CeilingLoopAmx, 2000, reps);
#endif
    default: return 0;
  }
#else
  (void)isa;
  (void)reps;
  return 0;
#endif
}

}  // namespace bench
}  // namespace intformer
