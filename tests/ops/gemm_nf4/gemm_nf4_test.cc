// gemm_nf4: ref equals an independent int64 evaluation of the contract; every variant of
// kNf4GemmKernels equals ref byte for byte (tiles, tails, M = 1, deep K, extreme operands and
// multipliers, every epilogue, strides, thread counts); and the integer GEMM stays within its
// stated bound of QLoRA's float dequantize-then-matmul.
#include "ops/gemm_nf4/gemm_nf4.h"

#include <gtest/gtest.h>

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

// The range analysis of gemm_nf4.h: Q and mult fit int16 (one vpdpwssd / vpmaddwd per block
// step), |sum_b mult * Q| < 2^30 for every K, and the split leaves at most 4x headroom.
TEST(Nf4GemmRef, BlockShiftAndMultBoundKeepTheSumUnder2To30) {
  const int64_t p_max = 64 * 128 * 127;  // |P| over one block
  for (size_t k = 64; k <= kGemmMaxK; k += 64) {
    const int s = Nf4BlockShift(k);
    const int64_t mult = Nf4MaxMult(k);
    const int64_t q = std::max((p_max + (1 << (s - 1))) >> s, -((-p_max + (1 << (s - 1))) >> s));
    EXPECT_LT(q, 1 << 15) << "k " << k;
    EXPECT_LE(mult, 32767) << "k " << k;
    const int64_t bound = int64_t(k / 64) * mult * q;
    EXPECT_LT(bound, int64_t{1} << 30) << "k " << k;
    EXPECT_GT(bound, int64_t{1} << 28) << "range left unused, k " << k;
  }
  EXPECT_EQ(Nf4BlockShift(768), 5);
  EXPECT_EQ(Nf4MaxMult(768), 2047);
  EXPECT_EQ(Nf4BlockShift(3072), 5);
  EXPECT_EQ(Nf4MaxMult(3072), 511);
  EXPECT_EQ(Nf4BlockShift(kGemmMaxK), 9);
}

// ref against an int64 evaluation written from the contract, on unpacked codes.
TEST(Nf4GemmRef, MatchesContractInInt64) {
  test::Rng rng(1);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {64, 192, 768, 4160}) {  // 4160: 65 blocks, s = 6
    Problem p = MakeProblem(rng, 5, 37, k, GemmOutput::kS32, true);
    const std::vector<uint8_t> c = RunNf4(Ref(), p);
    const Nf4Matrix w = p.View();
    const int s = Nf4BlockShift(k);
    for (size_t i = 0; i < p.m; ++i) {
      for (size_t n = 0; n < w.n; ++n) {
        int64_t acc = p.bias[n];
        for (size_t b = 0; b < k / 64; ++b) {
          const size_t blk = n * (k / 64) + b;
          const int64_t dq = p.q.dq_code[p.q.absmax_q[blk]];
          const int64_t mult =
              ((dq * p.q.g[blk / 256] + (int64_t{1} << 44)) >> 45) + p.q.offset_int;
          int64_t sum = 0;
          for (size_t kk = 64 * b; kk < 64 * (b + 1); ++kk) {
            sum += p.a[i * p.lda + kk] * kNf4Levels[p.q.code[n * k + kk]];
          }
          acc += mult * ((sum + (int64_t{1} << (s - 1))) >> s);
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
// multiplier at +-Nf4MaxMult(k), the largest biases: the largest sums the bound allows, for a
// K with s = 5 and one with s = 6.
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
    std::fill(p.q.g.begin(), p.q.g.end(), Nf4MaxMult(k) << 15);
    p.q.offset_int = 0;
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
// the same int8 activations. Per output the error is bounded by
//   sum_k |a_k| (|dequant W - L/127 * mult * U|) + sum_b |mult_b| 2^(s-1) U / 127
// with |dequant W - L/127 mult U| <= (0.5/127) |mult| U + |NF4| * e_mult U, e_mult <= 1.5
// (level rounding to 1/127, the integer multiplier within 1.5 units of absmax / U) and the
// last term the per-block rounding of P to a multiple of 2^s.
TEST(Nf4GemmRef, WithinBoundOfQloraFloatMatmul) {
  test::Rng rng(5);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {768, 3072}) {
    const size_t m = 16, n = 64;
    Problem p = MakeProblem(rng, m, n, k, GemmOutput::kS32, false);
    const std::vector<uint8_t> c = RunNf4(Ref(), p);
    const Nf4Matrix w = p.View();
    const int s = Nf4BlockShift(k);
    const double unit = p.q.unit;
    double sum_abs = 0, sum_ref = 0, max_ratio = 0;
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < n; ++j) {
        double y = 0, bound = 0;
        for (size_t b = 0; b < k / 64; ++b) {
          bound += std::fabs(double(Nf4BlockMult(w, j * (k / 64) + b))) * std::ldexp(0.5, s) *
                   unit / 127;
        }
        for (size_t kk = 0; kk < k; ++kk) {
          const double a = p.a[i * p.lda + kk];
          y += a * p.q.Dequant(j, kk);
          const double mult = p.q.DequantAbsmax(j * (k / 64) + kk / 64) / unit;
          bound += std::fabs(a) * unit *
                   ((0.5 / 127) * (std::fabs(mult) + 1.5) +
                    std::fabs(offline::kNf4Table[p.q.code[j * k + kk]]) * 1.5);
        }
        int32_t acc;
        std::memcpy(&acc, c.data() + 4 * (i * p.ldc + j), 4);
        const double got = std::ldexp(double(acc), s) * unit / 127;
        const double err = std::fabs(got - y);
        ASSERT_LE(err, bound) << "k " << k << " row " << i << " channel " << j;
        max_ratio = std::max(max_ratio, err / bound);
        sum_abs += err;
        sum_ref += std::fabs(y);
      }
    }
    std::printf("NF4 integer GEMM vs QLoRA float (K = %zu, s = %d, max mult %d): mean |err| / "
                "mean |y| = %.2e, max err / bound = %.3f\n", k, s, Nf4MaxMult(k),
                sum_abs / sum_ref, max_ratio);
    RecordProperty("nf4_rel_error_k" + std::to_string(k), std::to_string(sum_abs / sum_ref));
  }
}

}  // namespace
}  // namespace intformer
