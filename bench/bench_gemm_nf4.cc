// NF4 vs INT8 GEMM latency on BERT-base shapes (M = 128 tokens; N x K = 768 x 768 QKV/out
// projection per matrix, 3072 x 768 FFN up, 768 x 3072 FFN down), one thread, fused
// per-channel int8 requant epilogue, every enabled gemm_nf4 variant beside the best gemm_s8
// kernel (the one dispatch picks). Goal: NF4 <= 1.25 x INT8. The weights are QLoRA-quantized
// Gaussians (tools/offline/nf4_params.h). On a shared machine, use repetitions and read the
// medians:
//
//   build/bench/bench_gemm_nf4 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/cpu.h"
#include "tools/offline/nf4_params.h"

namespace intformer {
namespace {

constexpr size_t kM = 128;

struct Operands {
  std::vector<int8_t> a, b8;
  std::vector<Dyadic> scale;
  offline::Nf4Quantized nf4;
};

const Operands& Get(size_t n, size_t k) {
  static std::vector<std::unique_ptr<Operands>> cache;
  static std::vector<std::pair<size_t, size_t>> keys;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == std::make_pair(n, k)) return *cache[i];
  }
  auto o = std::make_unique<Operands>();
  std::mt19937_64 rng(n * 131 + k);
  std::uniform_int_distribution<int> u8(-128, 127);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  o->a.resize(kM * k);
  for (int8_t& v : o->a) v = static_cast<int8_t>(u8(rng));
  o->b8.resize(n * k);
  for (int8_t& v : o->b8) v = static_cast<int8_t>(u8(rng));
  std::vector<float> w(n * k);
  for (float& v : w) v = normal(rng);
  std::string why;
  if (!offline::QuantizeNf4(w.data(), n, k, &o->nf4, &why)) std::abort();
  o->scale.assign(n, Dyadic{1 << 30, 40});
  keys.emplace_back(n, k);
  cache.push_back(std::move(o));
  return *cache.back();
}

GemmEpilogue Epilogue(const Operands& o) {
  GemmEpilogue e;
  e.output = GemmOutput::kS8Requant;
  e.scale = o.scale.data();
  e.per_channel = true;
  return e;
}

void BM_Int8(benchmark::State& state, size_t n, size_t k) {
  const Operands& o = Get(n, k);
  const GemmKernel& kernel = SelectGemmKernel(GemmShape{kM, n, k});
  void* packed = std::aligned_alloc(64, kernel.packed_size(n, k));
  kernel.pack(o.b8.data(), k, BLayout::kNK, n, k, nullptr, packed);
  std::vector<int8_t> c(kM * n);
  const GemmEpilogue ep = Epilogue(o);
  for (auto _ : state) {
    Gemm(kernel, kM, n, k, o.a.data(), k, packed, ep, c.data(), n, nullptr);
    benchmark::ClobberMemory();
  }
  state.SetLabel(kernel.name);
  state.counters["GMAC/s"] = benchmark::Counter(double(kM * n * k) * state.iterations() * 1e-9,
                                                benchmark::Counter::kIsRate);
  std::free(packed);
}

void BM_Nf4(benchmark::State& state, const Nf4GemmKernel* kernel, size_t n, size_t k) {
  if (!IsaEnabled(kernel->isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const Operands& o = Get(n, k);
  const Nf4Matrix w = o.nf4.View();
  std::vector<int8_t> c(kM * n);
  const GemmEpilogue ep = Epilogue(o);
  for (auto _ : state) {
    Nf4Gemm(*kernel, kM, o.a.data(), k, w, ep, c.data(), n, nullptr);
    benchmark::ClobberMemory();
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(kM * n * k) * state.iterations() * 1e-9,
                                                benchmark::Counter::kIsRate);
}

const size_t kShapes[3][2] = {{768, 768}, {3072, 768}, {768, 3072}};

int Register() {
  for (const auto& s : kShapes) {
    const std::string shape = std::to_string(kM) + "x" + std::to_string(s[0]) + "x" +
                              std::to_string(s[1]);
    benchmark::RegisterBenchmark(("int8/" + shape).c_str(), BM_Int8, s[0], s[1])
        ->Unit(benchmark::kMicrosecond);
    for (size_t i = 0; i < kNf4GemmKernelCount; ++i) {
      const Nf4GemmKernel* k = &kNf4GemmKernels[i];
      if (!IsaEnabled(k->isa) || k->isa == Isa::kScalar) continue;  // ref: seconds per call
      benchmark::RegisterBenchmark(("nf4_" + std::string(k->name) + "/" + shape).c_str(), BM_Nf4,
                                   k, s[0], s[1])
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return 0;
}
const int kRegistered = Register();

}  // namespace
}  // namespace intformer

BENCHMARK_MAIN();
