// i-LayerNorm and residual add on a BERT-base activation (128 tokens x 768), every variant.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "ops/add/add.h"
#include "ops/ilayernorm/ilayernorm.h"

namespace intformer {
namespace {

void BM_ILayerNorm(benchmark::State& state, const ILayerNormKernel* k) {
  if (!CpuHasIsa(k->isa)) return state.SkipWithError("CPU lacks the ISA");
  const size_t rows = 128, ch = 768;
  std::mt19937 gen(1);
  std::uniform_int_distribution<int32_t> dist(-(1 << 20), 1 << 20);
  std::vector<int32_t> x(rows * ch), g(ch, 20000), b(ch, 1000);
  for (int32_t& v : x) v = dist(gen);
  std::vector<int8_t> y(rows * ch);
  ILayerNormParams p;
  p.channels = ch;
  p.gamma = g.data();
  p.bias = b.data();
  p.out_shift = 35;
  for (auto _ : state) {
    k->run(x.data(), y.data(), rows, p);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * ch);
}

void BM_Add(benchmark::State& state, const AddKernel* k) {
  if (!CpuHasIsa(k->isa)) return state.SkipWithError("CPU lacks the ISA");
  const size_t n = 128 * 768;
  std::vector<int32_t> a(n, 12345), dst(n);
  std::vector<int8_t> b(n, -77);
  const AddParams p{kDyadicOne, {1 << 30, 20}};
  for (auto _ : state) {
    k->s32_s8(a.data(), b.data(), dst.data(), n, p);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

int Register() {
  for (size_t i = 0; i < kILayerNormKernelCount; ++i) {
    benchmark::RegisterBenchmark((std::string("ilayernorm_128x768/") + kILayerNormKernels[i].name).c_str(),
                                 BM_ILayerNorm, &kILayerNormKernels[i]);
  }
  for (size_t i = 0; i < kAddKernelCount; ++i) {
    benchmark::RegisterBenchmark((std::string("add_128x768/") + kAddKernels[i].name).c_str(), BM_Add,
                                 &kAddKernels[i]);
  }
  return 0;
}
const int kRegistered = Register();

}  // namespace
}  // namespace intformer

BENCHMARK_MAIN();
