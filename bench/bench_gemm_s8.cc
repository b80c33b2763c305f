// gemm_s8 throughput: GMAC/s of every variant of kGemmKernels (oneDNN included when built) on
// the transformer's shapes (M = 128 tokens; K x N = 768x768 QKV/out projection per matrix,
// 768x3072 FFN up, 3072x768 FFN down), on 1 and 2 threads, with the fused per-channel int8
// requant epilogue. pct_of_ceiling compares with the machine's own ceiling for the variant's
// instruction (vpdpbusd for avx512vnni and onednn, vpmaddwd for avx2), measured in this run
// (BM_Ceiling_* rows) and scaled by the thread count. oneDNN may use other instructions than
// vpdpbusd (AMX on CPUs that have it), so its percentage can exceed 100.
//
//   build/bench/bench_gemm_s8 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/ceiling/ceiling.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/cpu.h"
#include "runtime/threadpool.h"

namespace intformer {
namespace {

using CeilingLoop = uint64_t (*)(uint64_t, int32_t*);

double CeilingFor(Isa isa) {
  static const double vnni = bench::MeasureCeilingGmacs(Isa::kAvx512Vnni);
  static const double avx2 = bench::MeasureCeilingGmacs(Isa::kAvx2);
  static const double amx = bench::MeasureCeilingGmacs(Isa::kAmxInt8);
  if (isa == Isa::kAvx512Vnni) return vnni;
  if (isa == Isa::kAvx2) return avx2;
  if (isa == Isa::kAmxInt8) return amx;
  return 0;
}

void BM_Ceiling(benchmark::State& state, CeilingLoop loop) {
  int32_t sink = 1;
  uint64_t macs = 0;
  for (auto _ : state) macs += loop(100000, &sink);
  benchmark::DoNotOptimize(sink);
  state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsRate);
}

void* AlignedAlloc(size_t bytes) { return std::aligned_alloc(64, (bytes + 127) / 64 * 64); }

void BM_Gemm(benchmark::State& state, const GemmKernel* kernel, size_t m, size_t k, size_t n,
             size_t threads) {
  std::vector<int8_t> a(m * k), b(n * k);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int8_t>(i * 7 + 3);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(i * 13 + 5);
  std::vector<int32_t> bias(n, 1000);
  std::vector<Dyadic> scale(n, Dyadic{1 << 30, 40});
  std::unique_ptr<void, decltype(&std::free)> packed(AlignedAlloc(kernel->packed_size(n, k)),
                                                     &std::free);
  kernel->pack(b.data(), k, BLayout::kNK, n, k, bias.data(), packed.get());
  GemmEpilogue ep;
  ep.output = GemmOutput::kS8Requant;
  ep.scale = scale.data();
  ep.per_channel = true;
  std::vector<int32_t> c(m * n);  // room for either output type
  ThreadPool pool(threads);
  for (auto _ : state) {
    Gemm(*kernel, m, n, k, a.data(), k, packed.get(), ep, c.data(), n, &pool);
    benchmark::ClobberMemory();
  }
  const double macs = static_cast<double>(m) * n * k * state.iterations();
  state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsRate);
  const Isa ceiling_isa = kernel->isa == Isa::kScalar ? Isa::kAvx2 : kernel->isa;
  const double ceiling = CeilingFor(ceiling_isa) * threads;
  if (ceiling > 0) {
    state.counters["pct_of_ceiling"] =
        benchmark::Counter(macs * 1e-9 / ceiling * 100, benchmark::Counter::kIsRate);
  }
}

void RegisterAll() {
#if INTFORMER_BENCH_CEILINGS
  if (CpuHasIsa(Isa::kAvx512Vnni)) {
    benchmark::RegisterBenchmark("BM_Ceiling/vpdpbusd_zmm", BM_Ceiling,
                                 bench::CeilingLoopAvx512Vnni);
  }
  if (CpuHasIsa(Isa::kAvx2)) {
    benchmark::RegisterBenchmark("BM_Ceiling/vpmaddwd_ymm", BM_Ceiling, bench::CeilingLoopAvx2);
  }
#if INTFORMER_BENCH_AMX
  if (CpuHasIsa(Isa::kAmxInt8)) {
    benchmark::RegisterBenchmark("BM_Ceiling/tdpbssd_tile", BM_Ceiling, bench::CeilingLoopAmx);
  }
#endif
#endif
  const size_t shapes[][2] = {{768, 768}, {768, 3072}, {3072, 768}};
  for (size_t i = 0; i < kGemmKernelCount; ++i) {
    const GemmKernel* kernel = &kGemmKernels[i];
    if (!CpuHasIsa(kernel->isa)) continue;
    for (const auto& s : shapes) {
      for (size_t threads : {1, 2}) {
        const std::string name = std::string("BM_Gemm/") + kernel->name + "/M128_K" +
                                 std::to_string(s[0]) + "_N" + std::to_string(s[1]) + "/threads" +
                                 std::to_string(threads);
        auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Gemm, kernel, 128, s[0], s[1],
                                               threads);
        b->Unit(benchmark::kMicrosecond);
        // The best repetition too: on a shared machine a two-thread run is often stalled by
        // another process holding the second core, which the median alone hides.
        b->ComputeStatistics("max", [](const std::vector<double>& v) {
          return *std::max_element(v.begin(), v.end());
        });
        // One thread: its CPU time (robust on a shared machine). Two: wall time, as the pool's
        // second thread is not in the caller's CPU time.
        if (threads > 1) b->UseRealTime();
      }
    }
  }
}

}  // namespace
}  // namespace intformer

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  intformer::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
