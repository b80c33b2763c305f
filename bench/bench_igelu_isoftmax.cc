// i-GELU and i-Softmax, every compiled variant on BERT-base shapes: one FFN activation
// (128 tokens x 3072) and one layer's attention probabilities (12 heads x 128 x 128).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "ops/igelu/igelu.h"
#include "ops/isoftmax/isoftmax.h"
#include "tools/offline/igelu_params.h"
#include "tools/offline/isoftmax_params.h"

namespace intformer {
namespace {

void BenchIGelu(benchmark::State& state, const IGeluKernel* k) {
  if (!CpuHasIsa(k->isa)) return state.SkipWithError("CPU lacks the ISA");
  IGeluParams p;
  std::string why;
  offline::IGeluParamsFromScales(1e-5, 10.0 / 127, &p, &why);
  const size_t n = 128 * 3072;
  std::mt19937 gen(1);
  std::vector<int32_t> src(n);
  for (int32_t& q : src) q = std::uniform_int_distribution<int32_t>(-800000, 800000)(gen);
  std::vector<int8_t> dst(n);
  for (auto _ : state) {
    k->run(src.data(), dst.data(), n, p);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BenchISoftmax(benchmark::State& state, const ISoftmaxKernel* k) {
  if (!CpuHasIsa(k->isa)) return state.SkipWithError("CPU lacks the ISA");
  ISoftmaxParams p;
  std::string why;
  offline::ISoftmaxParamsFromScale(3e-4, &p, &why);
  const size_t rows = 12 * 128, cols = 128;
  std::mt19937 gen(2);
  std::vector<int32_t> src(rows * cols);
  for (int32_t& q : src) q = std::uniform_int_distribution<int32_t>(-30000, 30000)(gen);
  std::vector<uint8_t> mask(cols, 1);
  for (size_t j = 100; j < cols; ++j) mask[j] = 0;  // some padding
  std::vector<int8_t> dst(rows * cols);
  for (auto _ : state) {
    k->run(src.data(), mask.data(), dst.data(), rows, cols, p);
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * cols);
}

const bool kRegistered = [] {
  for (size_t i = 0; i < kIGeluKernelCount; ++i) {
    benchmark::RegisterBenchmark((std::string("igelu/") + kIGeluKernels[i].name).c_str(),
                                 BenchIGelu, &kIGeluKernels[i]);
  }
  for (size_t i = 0; i < kISoftmaxKernelCount; ++i) {
    benchmark::RegisterBenchmark((std::string("isoftmax/") + kISoftmaxKernels[i].name).c_str(),
                                 BenchISoftmax, &kISoftmaxKernels[i]);
  }
  return true;
}();

}  // namespace
}  // namespace intformer

BENCHMARK_MAIN();
