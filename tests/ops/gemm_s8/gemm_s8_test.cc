// gemm_s8: ref equals a naive int64 triple loop (and its requant epilogue is within 1/2 of the
// real product); every variant of kGemmKernels equals ref byte for byte on tiles, tails, K = 1,
// deep K, operand and bias extremes, every epilogue with extreme dyadics and clamps, strides.
#include "ops/gemm_s8/gemm_s8.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/ops/gemm_s8/gemm_s8_test_util.h"
#include "tools/offline/quant_params.h"

namespace intformer {
namespace {

using test::GemmProblem;
using test::RunGemm;

// bias + sum_k A*B in int64, no packing, no kernel.
std::vector<int64_t> NaiveGemm(const GemmProblem& p) {
  std::vector<int64_t> acc(p.m * p.n);
  for (size_t i = 0; i < p.m; ++i) {
    for (size_t j = 0; j < p.n; ++j) {
      int64_t s = p.bias.empty() ? 0 : p.bias[j];
      for (size_t kk = 0; kk < p.k; ++kk) {
        const int8_t bv = p.layout == BLayout::kNK ? p.b[j * p.Ldb() + kk] : p.b[kk * p.Ldb() + j];
        s += int64_t{p.a[i * p.Lda() + kk]} * bv;
      }
      acc[i * p.n + j] = s;
    }
  }
  return acc;
}

int32_t ReadC(const GemmProblem& p, const std::vector<uint8_t>& c, size_t i, size_t j) {
  const size_t idx = i * p.Ldc() + j;
  if (p.OutSize() == 1) return static_cast<int8_t>(c[idx]);
  int32_t v;
  std::memcpy(&v, c.data() + idx * 4, 4);
  return v;
}

TEST(GemmRef, EqualsNaiveInt64) {
  test::Rng rng(11);
  INTFORMER_SEED_TRACE(rng);
  for (int trial = 0; trial < 60; ++trial) {
    GemmProblem p;
    p.m = rng.Uniform(1, 9);
    p.n = rng.Uniform(1, 40);
    p.k = trial == 0 ? kGemmMaxK : rng.Uniform(1, 300);
    p.layout = trial % 2 ? BLayout::kKN : BLayout::kNK;
    p.Fill(rng);
    if (trial == 0) {  // the largest positive sum: 2^14 * 2^16 + (2^30 - 1) = INT32_MAX
      std::fill(p.a.begin(), p.a.end(), -128);
      std::fill(p.b.begin(), p.b.end(), -128);
      p.bias.assign(p.n, kGemmMaxBias);
    } else if (trial % 3) {
      p.RandomBias(rng, kGemmMaxBias);
    }
    const std::vector<int64_t> want = NaiveGemm(p);
    const std::vector<uint8_t> got = RunGemm(test::RefGemmKernel(), p);
    for (size_t i = 0; i < p.m; ++i) {
      for (size_t j = 0; j < p.n; ++j) {
        ASSERT_EQ(ReadC(p, got, i, j), want[i * p.n + j]) << "trial " << trial << " m" << i << " n" << j;
      }
    }
  }
}

TEST(GemmRef, RequantEpilogueWithinHalfOfReal) {
  test::Rng rng(12);
  INTFORMER_SEED_TRACE(rng);
  double max_err = 0;
  for (int trial = 0; trial < 40; ++trial) {
    GemmProblem p;
    p.m = 4, p.n = 24, p.k = rng.Uniform(1, 800);
    p.Fill(rng);
    p.RandomBias(rng, 1 << 20);
    const double real_scale = std::ldexp(1.0 + rng.Uniform(0, 1000) / 1000.0, -rng.Uniform(4, 20));
    p.SetEpilogue(GemmOutput::kS32Requant, false, rng);
    p.scale[0] = offline::DyadicFromReal(real_scale);
    const std::vector<int64_t> acc = NaiveGemm(p);
    const std::vector<uint8_t> got = RunGemm(test::RefGemmKernel(), p);
    for (size_t i = 0; i < p.m; ++i) {
      for (size_t j = 0; j < p.n; ++j) {
        const double want = static_cast<double>(acc[i * p.n + j]) * real_scale;
        // A plain compare, not std::fmax: aarch64 GCC 12 ICEs vectorising that reduction here.
        const double err = std::fabs(ReadC(p, got, i, j) - want);
        if (err > max_err) max_err = err;
      }
    }
  }
  // Rounding to nearest gives 1/2; the 31-bit mantissa adds |acc| * r * 2^-31 < 2^-10 here.
  std::printf("gemm_s8 ref requant: max |C - acc * r| = %.6f (bound 0.5 + 2^-10)\n", max_err);
  RecordProperty("max_abs_error", std::to_string(max_err));
  EXPECT_LE(max_err, 0.5 + std::ldexp(1.0, -10));
}

class GemmVariant : public ::testing::TestWithParam<const GemmKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }

  // Runs `p` on the variant and on ref and compares every byte (the ldc gaps included).
  void Check(const GemmProblem& p, const char* what) {
    const GemmKernel& k = *GetParam();
    if (k.reject != nullptr && k.reject(GemmShape{p.m, p.n, p.k}) != nullptr) return;
    const std::vector<uint8_t> want = RunGemm(test::RefGemmKernel(), p);
    const std::vector<uint8_t> got = RunGemm(k, p);
    ASSERT_EQ(got, want) << what << ": m=" << p.m << " n=" << p.n << " k=" << p.k
                         << " lda=" << p.Lda() << " ldc=" << p.Ldc()
                         << " layout=" << int(p.layout) << " out=" << int(p.ep.output)
                         << " per_channel=" << p.ep.per_channel;
  }

  GemmProblem Random(test::Rng& rng, size_t m, size_t n, size_t k) {
    GemmProblem p;
    p.m = m, p.n = n, p.k = k;
    p.layout = rng.Uniform(0, 1) ? BLayout::kKN : BLayout::kNK;
    p.Fill(rng);
    p.RandomBias(rng, kGemmMaxBias);
    return p;
  }
};

TEST_P(GemmVariant, RowsTilesAndTails) {
  test::Rng rng(21);
  INTFORMER_SEED_TRACE(rng);
  const size_t mr = GetParam()->mr;
  std::vector<size_t> ms = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 31, 32, 33, 63, 64, 65,
                            127, 128, 129, 383, 384};
  for (size_t t : {mr - 1, mr, mr + 1, 2 * mr - 1, 2 * mr + 1}) {
    if (t >= 1) ms.push_back(t);
  }
  for (size_t m : ms) Check(Random(rng, m, m < 100 ? 67 : 19, m < 100 ? 45 : 33), "rows");
  for (size_t m = 1; m <= 384; ++m) Check(Random(rng, m, 67, 13), "every M");
}

TEST_P(GemmVariant, ColumnsTilesAndTails) {
  test::Rng rng(22);
  INTFORMER_SEED_TRACE(rng);
  const size_t nr = GetParam()->nr >= kGemmWholeN ? 16 : GetParam()->nr;
  std::vector<size_t> ns = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65,
                            127, 128, 129, 200, 768};
  for (size_t t : {nr - 1, nr, nr + 1, 2 * nr - 1, 2 * nr + 1, 3 * nr + 5}) {
    if (t >= 1) ns.push_back(t);
  }
  for (size_t n : ns) Check(Random(rng, 7, n, 37), "columns");
}

TEST_P(GemmVariant, DepthOneToDeep) {
  test::Rng rng(23);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 768}) {
    Check(Random(rng, 9, 70, k), "depth");
  }
  Check(Random(rng, 7, 70, 4096), "deep K");
  Check(Random(rng, 13, 130, 4099), "deep K tail");
}

TEST_P(GemmVariant, OperandAndBiasExtremes) {
  test::Rng rng(24);
  INTFORMER_SEED_TRACE(rng);
  for (size_t k : {size_t{1}, size_t{4096}, size_t{4097}, kGemmMaxK}) {
    for (int av : {-128, 127}) {
      for (int bv : {-128, 127}) {
        GemmProblem p = Random(rng, k == kGemmMaxK ? 3 : 13, 70, k);
        std::fill(p.a.begin(), p.a.end(), av);
        std::fill(p.b.begin(), p.b.end(), bv);
        // The sum's sign decides which bias extreme keeps it inside int32.
        p.bias.assign(p.n, av == bv ? kGemmMaxBias : -kGemmMaxBias - 1);
        Check(p, "extremes");
        for (size_t j = 0; j < p.n; ++j) p.bias[j] = j % 2 ? kGemmMaxBias : -kGemmMaxBias - 1;
        if (k <= 4097) Check(p, "alternating bias");
      }
    }
  }
}

TEST_P(GemmVariant, EpiloguesDyadicsAndClamps) {
  test::Rng rng(25);
  INTFORMER_SEED_TRACE(rng);
  const int32_t mults[] = {0, 1 << 30, INT32_MAX, 1, 0x5a5a5a5a};
  const int32_t shifts[] = {1, 31, 62, 15};
  struct Bounds {
    int32_t lo, hi;
  };
  const Bounds clamps[] = {{INT32_MIN, INT32_MAX}, {-1000, 1000}, {-20, 30}, {0, 0}, {-128, 127}};
  for (GemmOutput out : {GemmOutput::kS32, GemmOutput::kS32Requant, GemmOutput::kS8Requant}) {
    for (bool per_channel : {false, true}) {
      for (size_t mi = 0; mi < 5; ++mi) {
        for (size_t si = 0; si < 4; ++si) {
          const Bounds cl = clamps[(mi + si) % 5];
          GemmProblem p = Random(rng, 11, 83, 29);
          p.SetEpilogue(out, per_channel, rng, cl.lo, cl.hi);
          for (size_t j = 0; j < p.scale.size(); ++j) {
            // Per channel: the extreme pair on every third channel, random elsewhere.
            if (!per_channel || j % 3 == 0) p.scale[j] = Dyadic{mults[mi], shifts[si]};
          }
          Check(p, "epilogue");
        }
      }
    }
  }
}

TEST_P(GemmVariant, StridesLargerThanShape) {
  test::Rng rng(26);
  INTFORMER_SEED_TRACE(rng);
  for (GemmOutput out : {GemmOutput::kS32, GemmOutput::kS8Requant}) {
    for (BLayout layout : {BLayout::kNK, BLayout::kKN}) {
      GemmProblem p;
      p.m = 19, p.n = 75, p.k = 53;
      p.lda = 64, p.ldc = 101, p.layout = layout;
      p.ldb = layout == BLayout::kNK ? 70 : 80;
      p.Fill(rng);
      p.RandomBias(rng, 1 << 24);
      p.SetEpilogue(out, true, rng);
      Check(p, "strides");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, GemmVariant,
                         ::testing::ValuesIn(test::AllKernels(kGemmKernels, kGemmKernelCount)),
                         test::KernelName<GemmKernel>);

}  // namespace
}  // namespace intformer

namespace intformer {
namespace {

// The converter packs through kGemmPackers on every build (any host can write any target's
// file); a kernel must read exactly what its layout's packer writes.
TEST(GemmPackers, EveryStorableLayoutOnEveryBuild) {
  const uint32_t formats[] = {kPackRef, kPackAvx2, kPackAvx512Vnni, kPackNeon, kPackNeonDot,
                              kPackI8mm};
  for (uint32_t f : formats) EXPECT_NE(FindGemmPacker(f), nullptr) << "pack format " << f;
  EXPECT_EQ(FindGemmPacker(kPackOneDnn), nullptr);  // packed at load, never stored
  for (size_t i = 0; i < kGemmKernelCount; ++i) {
    const GemmKernel& k = kGemmKernels[i];
    if (k.pack_format == kPackOneDnn) continue;
    const GemmPacker* p = FindGemmPacker(k.pack_format);
    ASSERT_NE(p, nullptr) << k.name;
    EXPECT_EQ(p->pack, k.pack) << k.name;
    EXPECT_EQ(p->packed_size, k.packed_size) << k.name;
    // One kernel reads a layout packed for a lower rung: amx_16x48 runs avx512vnni files, so
    // a file packed on a VNNI machine runs on tiles where AMX exists, and vice versa.
    const bool amx_on_vnni = k.isa == Isa::kAmxInt8 && p->isa == Isa::kAvx512Vnni;
    EXPECT_TRUE(p->isa == k.isa || amx_on_vnni) << k.name;
  }
}

}  // namespace
}  // namespace intformer
