// gemm_nf4: ref equals an independent int64 evaluation of the contract; every variant of
// kNf4GemmKernels equals ref byte for byte (tiles, tails, M = 1, deep K, extreme operands and
// multipliers, every epilogue, strides, thread counts); and the integer GEMM stays within its
// stated bound of QLoRA's float dequantize-then-matmul.
#include "ops/gemm_nf4/gemm_nf4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/threadpool.h"
#include "tests/ops/gemm_nf4/gemm_nf4_test_util.h"
#include "tools/offline/quant_params.h"

namespace intformer {
namespace {

struct Problem {
  size_t m = 1, lda = 0, ldc = 0;
  std::vector<int8_t> a;
  offline::Nf4Quantized q;
  std::vector<int32_t> bias;
  std::vector<Dyadic> scale;
  GemmEpilogue ep;
  Nf4Matrix View() const {
    Nf4Matrix w = q.View();
    w.bias = bias.empty() ? nullptr : bias.data();
    return w;
  }
  size_t OutSize() const { return ep.output == GemmOutput::kS8Requant ? 1 : 4; }
};

Problem MakeProblem(test::Rng& rng, size_t m, size_t n, size_t k, GemmOutput out, bool bias) {
  Problem p;
  p.m = m;
  p.lda = k + 64 * static_cast<size_t>(rng.Uniform(0, 1));
  p.ldc = n + static_cast<size_t>(rng.Uniform(0, 3));
  p.a = rng.Vector<int8_t>(m * p.lda, -128, 127);
  p.q = test::RandomNf4(rng, n, k);
  if (bias) p.bias = rng.Vector<int32_t>(n, -kGemmMaxBias, kGemmMaxBias);
  p.scale.resize(n);
  for (Dyadic& d : p.scale) d = Dyadic{rng.Uniform(1 << 30, INT32_MAX), rng.Uniform(20, 40)};
  p.ep.output = out;
  p.ep.scale = p.scale.data();
  p.ep.per_channel = rng.Uniform(0, 3) != 0;
  if (rng.Uniform(0, 1)) {
    p.ep.lo = rng.Uniform(-1000, 0);
    p.ep.hi = rng.Uniform(1, 1000);
  }
  return p;
}

std::vector<uint8_t> RunNf4(const Nf4GemmKernel& kernel, const Problem& p, ThreadPool* pool = nullptr) {
  std::vector<uint8_t> c(p.m * p.ldc * p.OutSize(), 0xa5);
  const Nf4Matrix w = p.View();
  Nf4Gemm(kernel, p.m, p.a.data(), p.lda, w, p.ep, c.data(), p.ldc, pool);
  return c;
}

const Nf4GemmKernel& Ref() { return kNf4GemmKernels[kNf4GemmKernelCount - 1]; }

TEST(Nf4GemmRef, LevelsAreRoundedNf4Table) {
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(kNf4Levels[i], std::lround(127.0 * offline::kNf4Table[i])) << "code " << i;
  }
}

// The range analysis of gemm_nf4.h, for every channel maximum M and the multipliers that
// matter: r and 2r fit int16, W8 fits [-127, 127], W8 equals vpmulhrsw(level, 2r), and W8 is
// level * mult / M within half a step plus the ratio's truncation.
TEST(Nf4GemmRef, RatioAndLevelRanges) {
  auto mulhrs = [](int32_t a, int32_t b) { return (((a * b) >> 14) + 1) >> 1; };  // vpmulhrsw
  for (int32_t max_mult = 0; max_mult <= kNf4MaxMult; ++max_mult) {
    const int32_t recip = Nf4ChannelRecip(max_mult);
    ASSERT_LE(int64_t{max_mult} * recip, kNf4RecipNum);
    if (max_mult % 97 != 0 && max_mult > 4 && max_mult < kNf4MaxMult - 4) continue;
    const int32_t mults[] = {-max_mult, -max_mult + 1, -1, 0, 1, max_mult / 3, max_mult - 1,
                             max_mult};
    for (int32_t mult : mults) {
      const int32_t r = Nf4Ratio(mult, recip);
      ASSERT_GE(r, -(1 << 14));
      ASSERT_LT(r, 1 << 14);
      for (uint8_t c = 0; c < 16; ++c) {
        const int32_t w8 = Nf4Level8(c, r);
        ASSERT_GE(w8, -127);
        ASSERT_LE(w8, 127);
        ASSERT_EQ(w8, mulhrs(kNf4Levels[c], 2 * r)) << "M " << max_mult << " mult " << mult;
        if (max_mult > 0) {
          const double exact = double(kNf4Levels[c]) * mult / max_mult;
          ASSERT_LE(std::fabs(w8 - exact), 0.5 + 127.0 / 16384 + 1e-9);
        }
      }
    }
  }
  EXPECT_EQ(Nf4ChannelRecip(0), kNf4RecipNum);
  EXPECT_EQ(Nf4ChannelRecip(kNf4MaxMult), kNf4RecipNum / kNf4MaxMult);
}

// ref against an int64 evaluation written from the contract, on unpacked codes.
TEST(Nf4GemmRef, MatchesContractInInt64) {
  test::Rng rng(1);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {64, 192, 768, 4160}) {
    Problem p = MakeProblem(rng, 5, 37, k, GemmOutput::kS32, true);
    const std::vector<uint8_t> c = RunNf4(Ref(), p);
    const Nf4Matrix w = p.View();
    const size_t kb = k / 64;
    for (size_t n = 0; n < w.n; ++n) {
      std::vector<int64_t> mult(kb);
      int64_t max_abs = 0;
      for (size_t b = 0; b < kb; ++b) {
        const size_t blk = n * kb + b;
        const int64_t dq = p.q.dq_code[p.q.absmax_q[blk]];
        mult[b] = ((dq * p.q.g[blk / 256] + (int64_t{1} << 44)) >> 45) + p.q.offset_int;
        max_abs = std::max(max_abs, std::abs(mult[b]));
      }
      const int64_t recip = ((int64_t{1} << 25) - 1) / std::max<int64_t>(max_abs, 1);
      for (size_t i = 0; i < p.m; ++i) {
        int64_t acc = p.bias[n];
        for (size_t kk = 0; kk < k; ++kk) {
          const int64_t r = (mult[kk / 64] * recip) >> 11;
          const int64_t w8 = (kNf4Levels[p.q.code[n * k + kk]] * r + 8192) >> 14;
          acc += p.a[i * p.lda + kk] * w8;
        }
        ASSERT_LT(std::abs(acc), int64_t{1} << 31) << "the contract's int32 bound";
        int32_t got;
        std::memcpy(&got, c.data() + 4 * (i * p.ldc + n), 4);
        ASSERT_EQ(got, acc) << "k " << k << " row " << i << " channel " << n;
      }
    }
  }
}

class Nf4GemmVariant : public ::testing::TestWithParam<const Nf4GemmKernel*> {};

TEST_P(Nf4GemmVariant, BitExactWithRefOnShapes) {
  const Nf4GemmKernel& kernel = *GetParam();
  INTFORMER_SKIP_IF_MISSING(kernel.isa);
  test::Rng rng(2);
  INTFORMER_SEED_TRACE(rng);
  // m 32, 48, 50 and n 48, 64: amx's 2 x 2 form beside its 16 x 16 leftovers (an odd column,
  // 16 rows, a row tail) in one call.
  const size_t ms[] = {1, 2, 3, 4, 7, 8, 9, 17, 32, 33, 48, 50};
  const size_t ns[] = {1, 2, 8, 15, 16, 17, 40, 48, 64};
  const size_t ks[] = {64, 128, 320, 768};
  const GemmOutput outs[] = {GemmOutput::kS32, GemmOutput::kS32Requant, GemmOutput::kS8Requant};
  for (size_t m : ms) {
    for (size_t n : ns) {
      const size_t k = ks[rng.Uniform(0, 3)];
      const GemmOutput out = outs[rng.Uniform(0, 2)];
      Problem p = MakeProblem(rng, m, n, k, out, rng.Uniform(0, 1) != 0);
      ASSERT_EQ(RunNf4(kernel, p), RunNf4(Ref(), p)) << "m " << m << " n " << n << " k " << k;
    }
  }
}

TEST_P(Nf4GemmVariant, BitExactWithRefOnBertShapesAndThreads) {
  const Nf4GemmKernel& kernel = *GetParam();
  INTFORMER_SKIP_IF_MISSING(kernel.isa);
  test::Rng rng(3);
  INTFORMER_SEED_TRACE(rng);
  Problem p = MakeProblem(rng, 52, 96, 3072, GemmOutput::kS32Requant, true);
  const std::vector<uint8_t> want = RunNf4(Ref(), p);
  ASSERT_EQ(RunNf4(kernel, p), want);
  ThreadPool pool(3);
  ASSERT_EQ(RunNf4(kernel, p, &pool), want);
}

// The contract's corners: every code at -127 or +127, a = -128 or 127 everywhere, every
// multiplier at +-kNf4MaxMult (so every W8 at +-127), the largest biases: the largest sums the
// bound allows.
TEST_P(Nf4GemmVariant, BitExactWithRefOnExtremes) {
  const Nf4GemmKernel& kernel = *GetParam();
  INTFORMER_SKIP_IF_MISSING(kernel.isa);
  test::Rng rng(4);
  INTFORMER_SEED_TRACE(rng);
  for (int variant = 0; variant < 6; ++variant) {
    const size_t k = variant < 3 ? 1024 : 4160;
    Problem p = MakeProblem(rng, 41, 33, k, GemmOutput::kS32, true);
    const uint8_t code = variant % 2 == 0 ? 0 : 15;
    std::fill(p.q.code.begin(), p.q.code.end(), code);
    p.q.packed = offline::PackNf4Codes(p.q.code.data(), 33, k);
    std::fill(p.a.begin(), p.a.end(), variant != 4 ? int8_t{-128} : int8_t{127});
    std::fill(p.q.absmax_q.begin(), p.q.absmax_q.end(), variant % 3 < 2 ? 255 : 0);  // +1 / -1
    std::fill(p.q.g.begin(), p.q.g.end(), kNf4MaxMult << 15);
    p.q.offset_int = 0;
    Nf4ChannelRecips(p.q.View(), p.q.recip.data());
    std::fill(p.bias.begin(), p.bias.end(), variant % 3 == 0 ? kGemmMaxBias : -kGemmMaxBias - 1);
    const char* why = nullptr;
    ASSERT_TRUE(Nf4MatrixValid(p.View(), &why)) << why;
    ASSERT_EQ(RunNf4(kernel, p), RunNf4(Ref(), p)) << "variant " << variant;
  }
}

// The NF4 embedding gather walks the panel layout itself: it must equal the definition,
// L[code] * mult per element, for every row of a panel (and a partial last panel).
TEST(Nf4GatherRow, EqualsLevelTimesBlockMult) {
  test::Rng rng(6);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {64, 768}) {
    Problem p = MakeProblem(rng, 1, 37, k, GemmOutput::kS32, false);
    const Nf4Matrix w = p.View();
    std::vector<int32_t> got(k);
    for (size_t n = 0; n < w.n; ++n) {
      Nf4GatherRow(w, n, got.data());
      for (size_t kk = 0; kk < k; ++kk) {
        const int64_t want = int64_t{kNf4Levels[Nf4Code(w.codes, k, n, kk)]} *
                             Nf4BlockMult(w, n * (k / kNf4Block) + kk / kNf4Block);
        ASSERT_EQ(got[kk], want) << "n " << n << " k " << kk;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, Nf4GemmVariant,
                         ::testing::ValuesIn(test::AllKernels(kNf4GemmKernels,
                                                              kNf4GemmKernelCount)),
                         test::KernelName<Nf4GemmKernel>);

// How far the integer NF4 GEMM is from QLoRA's float path, y = a . dequant(W)^T in double with
// the same int8 activations. ref's y is acc * S_w(n) with S_w(n) = 2^25 U / (127 R(n)), and per
// weight |W8 S_w - dequant W| <= (0.5 + 127 / 2^14) S_w (W8's rounding and r's truncation)
// + (0.5/127)(|mult| + 1.5) U (the level's rounding to 1/127 of the block's absmax)
// + |NF4| * 1.5 U (the integer multiplier within 1.5 units of absmax / U).
TEST(Nf4GemmRef, WithinBoundOfQloraFloatMatmul) {
  test::Rng rng(5);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {768, 3072}) {
    const size_t m = 16, n = 64;
    Problem p = MakeProblem(rng, m, n, k, GemmOutput::kS32, false);
    const std::vector<uint8_t> c = RunNf4(Ref(), p);
    const Nf4Matrix w = p.View();
    const double unit = p.q.unit;
    double sum_abs = 0, sum_ref = 0, max_ratio = 0;
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < n; ++j) {
        const double s_w = std::ldexp(unit, 25) / (127.0 * w.recip[j]);
        double y = 0, bound = 0;
        for (size_t kk = 0; kk < k; ++kk) {
          const double a = p.a[i * p.lda + kk];
          y += a * p.q.Dequant(j, kk);
          const double mult = p.q.DequantAbsmax(j * (k / 64) + kk / 64) / unit;
          const double level = std::fabs(offline::kNf4Table[p.q.code[j * k + kk]]);
          bound += std::fabs(a) * ((0.5 + 127.0 / 16384) * s_w +
                                   unit * ((0.5 / 127) * (std::fabs(mult) + 1.5) + level * 1.5));
        }
        int32_t acc;
        std::memcpy(&acc, c.data() + 4 * (i * p.ldc + j), 4);
        const double got = acc * s_w;
        const double err = std::fabs(got - y);
        ASSERT_LE(err, bound) << "k " << k << " row " << i << " channel " << j;
        max_ratio = std::max(max_ratio, err / bound);
        sum_abs += err;
        sum_ref += std::fabs(y);
      }
    }
    std::printf("NF4 integer GEMM vs QLoRA float (K = %zu): mean |err| / mean |y| = %.2e, max "
                "err / bound = %.3f\n", k, sum_abs / sum_ref, max_ratio);
    RecordProperty("nf4_rel_error_k" + std::to_string(k), std::to_string(sum_abs / sum_ref));
  }
}

}  // namespace
}  // namespace intformer
