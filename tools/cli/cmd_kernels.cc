// `intformer kernels`: a quick, honest look at the integer kernels on this machine.
//
// For each op it runs the variant dispatch picks (INTFORMER_MAX_ISA and INTFORMER_VERBOSE apply),
// compares the integer result with double-precision math on realistic inputs, checks the variant
// against the scalar reference bit for bit, and times it. The float math here is measurement
// only: it lives in the tool, never in the kernels.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "ops/gemm_s8/gemm_s8.h"
#include "ops/igelu/igelu.h"
#include "ops/ilayernorm/ilayernorm.h"
#include "ops/isoftmax/isoftmax.h"
#include "ops/requant/requant.h"
#include "runtime/cpu.h"
#include "tools/cli/commands.h"
#include "tools/offline/igelu_params.h"
#include "tools/offline/ilayernorm_params.h"
#include "tools/offline/isoftmax_params.h"
#include "tools/offline/quant_params.h"

namespace intformer {
namespace cli {
namespace {

struct DemoRow {
  std::string op, variant, shape;
  bool exact_vs_ref = false;
  std::string error;       // measured error against double math, with its unit
  std::string bound;       // the bound the tests assert
  std::string speed;       // throughput
};

// Median seconds per call of fn over `reps` timed batches of at least ~20 ms each.
double MedianSeconds(const std::function<void()>& fn, int reps = 5) {
  using Clock = std::chrono::steady_clock;
  fn();  // warm-up
  int calls = 1;
  for (;;) {
    const auto t0 = Clock::now();
    for (int i = 0; i < calls; ++i) fn();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s > 0.02 || calls > (1 << 20)) break;
    calls *= 2;
  }
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < calls; ++i) fn();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / calls);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

DemoRow DemoRequant() {
  const size_t n = 1 << 20;
  std::mt19937 gen(7);
  std::uniform_int_distribution<int32_t> dist(-(1 << 20), 1 << 20);
  std::vector<int32_t> src(n);
  for (int32_t& x : src) x = dist(gen);
  const double real = 0.000123456;  // a typical GEMM-accumulator -> int8 scale ratio
  const Dyadic d = offline::DyadicFromReal(real);
  RequantParams p;
  p.scale = &d;
  std::vector<int8_t> got(n), want(n);
  const RequantKernel& k = GetRequantKernel();
  k.s32_to_s8(src.data(), got.data(), n, p);
  RequantS32ToS8Ref(src.data(), want.data(), n, p);
  double max_err = 0;
  for (size_t i = 0; i < n; ++i) {
    const double exact = std::min(127.0, std::max(-128.0, src[i] * real));
    max_err = std::max(max_err, std::fabs(got[i] - exact));
  }
  const double s = MedianSeconds([&] { k.s32_to_s8(src.data(), got.data(), n, p); });
  return {"requant s32->s8", k.name, "1M values", got == want, Fmt("%.4f LSB", max_err),
          "0.5 LSB + 2^-31 rel", Fmt("%.2f Gval/s", n / s / 1e9)};
}

// A BERT-base residual stream: 128 tokens x 768 channels, N(0, 1) with a few outlier channels,
// at an int32 scale of 2^-12; gamma/beta as trained LayerNorms look (around 1 and 0).
DemoRow DemoLayerNorm() {
  const size_t rows = 128, c = 768;
  std::mt19937 gen(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<float> gamma(c), beta(c);
  for (size_t j = 0; j < c; ++j) {
    gamma[j] = static_cast<float>(1.0 + 0.2 * normal(gen));
    beta[j] = static_cast<float>(0.1 * normal(gen));
  }
  const double s_in = 1.0 / 4096, s_out = 8.0 / 127;
  std::vector<int32_t> src(rows * c);
  for (size_t i = 0; i < src.size(); ++i) {
    const double outlier = i % c < 4 ? 15.0 : 1.0;
    src[i] = static_cast<int32_t>(std::lround(outlier * normal(gen) / s_in));
  }
  offline::ILayerNormConstants k;
  std::string why;
  if (!offline::ILayerNormConstantsFromFloat(s_in, s_out, gamma.data(), beta.data(), c, 1e-12, &k,
                                             &why)) {
    throw CLI::RuntimeError("ilayernorm constants: " + why, 2);
  }
  const ILayerNormParams p = k.Params();
  std::vector<int8_t> got(src.size()), want(src.size());
  const ILayerNormKernel& kernel = GetILayerNormKernel();
  kernel.run(src.data(), got.data(), rows, p);
  ILayerNormRef(src.data(), want.data(), rows, p);
  double max_err = 0;
  for (size_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (size_t j = 0; j < c; ++j) mean += src[r * c + j] * s_in;
    mean /= c;
    for (size_t j = 0; j < c; ++j) var += std::pow(src[r * c + j] * s_in - mean, 2);
    const double inv = 1.0 / std::sqrt(var / c + 1e-12);
    for (size_t j = 0; j < c; ++j) {
      const double y = ((src[r * c + j] * s_in - mean) * inv * gamma[j] + beta[j]) / s_out;
      max_err = std::max(max_err, std::fabs(got[r * c + j] - std::min(127.0, std::max(-128.0, y))));
    }
  }
  const double s = MedianSeconds([&] { kernel.run(src.data(), got.data(), rows, p); });
  return {"i-LayerNorm", kernel.name, "128 x 768", got == want, Fmt("%.4f LSB", max_err),
          "0.508 LSB", Fmt("%.2f Gval/s", rows * c / s / 1e9)};
}

// The FFN activation of BERT-base: 128 tokens x 3072, inputs in [-8, 8] at an int32 scale of
// 2^-16, int8 output at 8/127. Error in real units against the exact erf GELU.
DemoRow DemoGelu() {
  const size_t n = 128 * 3072;
  const double s_in = 1.0 / 65536, s_out = 8.0 / 127;
  IGeluParams p;
  std::string why;
  if (!offline::IGeluParamsFromScales(s_in, s_out, &p, &why)) {
    throw CLI::RuntimeError("igelu constants: " + why, 2);
  }
  std::mt19937 gen(13);
  std::uniform_int_distribution<int32_t> dist(-8 * 65536, 8 * 65536);
  std::vector<int32_t> src(n);
  for (int32_t& x : src) x = dist(gen);
  std::vector<int8_t> got(n), want(n);
  const IGeluKernel& k = GetIGeluKernel();
  k.run(src.data(), got.data(), n, p);
  IGeluRef(src.data(), want.data(), n, p);
  double max_err = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = src[i] * s_in;
    const double gelu = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    max_err = std::max(max_err, std::fabs(got[i] * s_out - gelu));
  }
  const double s = MedianSeconds([&] { k.run(src.data(), got.data(), n, p); });
  return {"i-GELU", k.name, "128 x 3072", got == want, Fmt("%.4f real", max_err),
          Fmt("%.4f real", 0.018152 + 5.8e-5 + s_out / 2), Fmt("%.2f Gval/s", n / s / 1e9)};
}

// Attention probabilities of one BERT-base layer: 12 heads x 128 queries x 128 keys, the last 28
// keys padded; scores in [-12, 12] at 2^-10. Error per probability against double softmax.
DemoRow DemoSoftmax() {
  const size_t rows = 12 * 128, cols = 128, valid = 100;
  const double s_in = 1.0 / 1024;
  ISoftmaxParams p;
  std::string why;
  if (!offline::ISoftmaxParamsFromScale(s_in, &p, &why)) {
    throw CLI::RuntimeError("isoftmax constants: " + why, 2);
  }
  std::mt19937 gen(17);
  std::normal_distribution<double> normal(0.0, 3.0);
  std::vector<int32_t> src(rows * cols);
  for (int32_t& x : src) x = static_cast<int32_t>(std::lround(normal(gen) / s_in));
  std::vector<uint8_t> mask(cols, 1);
  for (size_t j = valid; j < cols; ++j) mask[j] = 0;
  std::vector<int8_t> got(src.size()), want(src.size());
  const ISoftmaxKernel& k = GetISoftmaxKernel();
  k.run(src.data(), mask.data(), got.data(), rows, cols, p);
  ISoftmaxRef(src.data(), mask.data(), want.data(), rows, cols, p);
  double max_err = 0;
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* x = &src[r * cols];
    double mx = -1e300, sum = 0;
    for (size_t j = 0; j < valid; ++j) mx = std::max(mx, x[j] * s_in);
    for (size_t j = 0; j < valid; ++j) sum += std::exp(x[j] * s_in - mx);
    for (size_t j = 0; j < cols; ++j) {
      const double prob = j < valid ? std::exp(x[j] * s_in - mx) / sum : 0.0;
      max_err = std::max(max_err, std::fabs(got[r * cols + j] / 128.0 - prob));
    }
  }
  const double s = MedianSeconds([&] { k.run(src.data(), mask.data(), got.data(), rows, cols, p); });
  return {"i-Softmax", k.name, "12x128 x 128, masked", got == want, Fmt("%.4f prob", max_err),
          "0.0103 prob", Fmt("%.2f Gval/s", rows * cols / s / 1e9)};
}

// One BERT-base FFN1 projection: 128 tokens x 768 -> 3072, int8 x int8 with int32 bias,
// per-channel requant to int8. Error of the int8 result against the exact double product.
DemoRow DemoGemm() {
  const size_t m = 128, k = 768, n = 3072;
  std::mt19937 gen(19);
  std::uniform_int_distribution<int32_t> i8(-128, 127), bias_dist(-100000, 100000);
  std::vector<int8_t> a(m * k), b(n * k);
  for (int8_t& x : a) x = static_cast<int8_t>(i8(gen));
  for (int8_t& x : b) x = static_cast<int8_t>(i8(gen));
  std::vector<int32_t> bias(n);
  for (int32_t& x : bias) x = bias_dist(gen);
  std::vector<double> real(n);
  std::vector<Dyadic> scale(n);
  for (size_t j = 0; j < n; ++j) {
    real[j] = 127.0 / (40000.0 + 100.0 * (j % 97));  // per-channel, roughly max|acc| -> 127
    scale[j] = offline::DyadicFromReal(real[j]);
  }
  GemmEpilogue ep;
  ep.output = GemmOutput::kS8Requant;
  ep.scale = scale.data();
  ep.per_channel = true;
  auto run = [&](const GemmKernel& kernel, std::vector<int8_t>* c) {
    std::vector<uint8_t> storage(kernel.packed_size(n, k) + 64);
    void* packed = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
    kernel.pack(b.data(), k, BLayout::kNK, n, k, bias.data(), packed);
    c->assign(m * n, 0);
    Gemm(kernel, m, n, k, a.data(), k, packed, ep, c->data(), n, nullptr);
    return MedianSeconds([&] { Gemm(kernel, m, n, k, a.data(), k, packed, ep, c->data(), n, nullptr); });
  };
  const GemmKernel& kernel = SelectGemmKernel(GemmShape{m, n, k});
  const GemmKernel& ref = kGemmKernels[kGemmKernelCount - 1];
  std::vector<int8_t> got, want;
  const double s = run(kernel, &got);
  run(ref, &want);
  double max_err = 0;
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double acc = bias[j];
      for (size_t t = 0; t < k; ++t) acc += double(a[i * k + t]) * b[j * k + t];
      const double exact = std::min(127.0, std::max(-128.0, acc * real[j]));
      max_err = std::max(max_err, std::fabs(got[i * n + j] - exact));
    }
  }
  return {"gemm_s8 + requant", kernel.name, "128x768 . 768x3072", got == want,
          Fmt("%.4f LSB", max_err), "0.5 LSB + 2^-10", Fmt("%.0f GMAC/s 1 thread", m * n * k / s / 1e9)};
}

void RunKernels() {
  std::printf("intformer kernels on this CPU (best enabled ISA: %s)\n\n",
              IsaName(BestEnabledIsa()));
  const std::vector<std::function<DemoRow()>> demos = {DemoRequant, DemoGemm, DemoGelu, DemoSoftmax, DemoLayerNorm};
  std::printf("%-18s %-16s %-22s %-9s %-14s %-20s %s\n", "op", "variant", "shape", "=ref",
              "max error", "asserted bound", "speed");
  bool all_exact = true;
  for (const auto& demo : demos) {
    const DemoRow r = demo();
    all_exact = all_exact && r.exact_vs_ref;
    std::printf("%-18s %-16s %-22s %-9s %-14s %-20s %s\n", r.op.c_str(), r.variant.c_str(),
                r.shape.c_str(), r.exact_vs_ref ? "yes" : "NO", r.error.c_str(), r.bound.c_str(),
                r.speed.c_str());
  }
  std::printf("\n=ref: the dispatched variant equals the scalar reference bit for bit.\n"
              "Errors are against double-precision math; bounds are the ones the tests assert.\n");
  if (!all_exact) throw CLI::RuntimeError(1);
}

}  // namespace

void RegisterKernels(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "kernels", "Run every integer kernel on this CPU: error vs double math, bit-exactness, speed");
  cmd->callback(RunKernels);
}

}  // namespace cli
}  // namespace intformer
