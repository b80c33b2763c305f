// gemm_s8 drivers: thread counts 1 and 2 give the same bytes for every variant; GemmBatched
// (attention's Q.K^T with K heads in kNK, P.V with V heads in kKN) equals one ref Gemm per head;
// dispatch picks an enabled kernel and FindGemmKernel round-trips pack formats.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "ops/gemm_s8/gemm_s8.h"
#include "tests/ops/gemm_s8/gemm_s8_test_util.h"

namespace intformer {
namespace {

using test::GemmProblem;
using test::RunGemm;

class GemmDriver : public ::testing::TestWithParam<const GemmKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

TEST_P(GemmDriver, ThreadCountDoesNotChangeBytes) {
  const GemmKernel& kernel = *GetParam();
  test::Rng rng(31);
  INTFORMER_SEED_TRACE(rng);
  const size_t shapes[][3] = {{1, 1, 1}, {5, 300, 40}, {128, 96, 64}, {67, 257, 129}, {200, 33, 17}};
  for (const auto& s : shapes) {
    for (GemmOutput out : {GemmOutput::kS32, GemmOutput::kS8Requant}) {
      GemmProblem p;
      p.m = s[0], p.n = s[1], p.k = s[2];
      p.Fill(rng);
      p.RandomBias(rng, 1 << 28);
      p.SetEpilogue(out, true, rng);
      const std::vector<uint8_t> one = RunGemm(kernel, p, 1);
      ASSERT_EQ(RunGemm(kernel, p, 2), one) << "m=" << p.m << " n=" << p.n << " k=" << p.k;
      ASSERT_EQ(RunGemm(kernel, p, 3), one) << "m=" << p.m << " n=" << p.n << " k=" << p.k;
      ASSERT_EQ(RunGemm(test::RefGemmKernel(), p, 1), one);
    }
  }
}

// heads x [seq x dh] interleaved in rows of `heads * dh`, as the QKV projection writes them.
struct Attention {
  size_t heads, seq, dh;
  std::vector<int8_t> q, k, v, p;  // p: heads x [seq x seq] probabilities
};

void CheckBatched(const GemmKernel& kernel, size_t threads, const Attention& at, bool qk,
                  GemmOutput out, test::Rng& rng) {
  const size_t hidden = at.heads * at.dh;
  // Q.K^T: A = Q_h [seq x dh] (lda hidden), B = K_h [seq x dh] kNK, C [seq x seq].
  // P.V:   A = P_h [seq x seq],              B = V_h [seq x dh] kKN, C [seq x dh] (ldc hidden).
  const size_t m = at.seq, n = qk ? at.seq : at.dh, k = qk ? at.dh : at.seq;
  const int8_t* a = qk ? at.q.data() : at.p.data();
  const size_t lda = qk ? hidden : at.seq, a_stride = qk ? at.dh : at.seq * at.seq;
  const int8_t* b = qk ? at.k.data() : at.v.data();
  const size_t ldc = qk ? at.seq : hidden, c_stride = qk ? at.seq * at.seq : at.dh;
  const BLayout layout = qk ? BLayout::kNK : BLayout::kKN;
  std::vector<Dyadic> scale(1, Dyadic{rng.Uniform(1 << 30, INT32_MAX), rng.Uniform(8, 20)});
  GemmEpilogue ep;
  ep.output = out;
  ep.scale = scale.data();
  const size_t out_size = out == GemmOutput::kS8Requant ? 1 : 4;
  const size_t c_bytes = at.heads * c_stride * out_size + m * ldc * out_size;
  std::vector<uint8_t> got(c_bytes, 0x5a), want(c_bytes, 0x5a);

  test::AlignedBuffer scratch =
      test::AllocAligned(GemmBatchedScratchSize(kernel, at.heads, n, k));
  std::unique_ptr<ThreadPool> pool;
  if (threads > 1) pool.reset(new ThreadPool(threads));
  GemmBatched(kernel, at.heads, m, n, k, a, lda, a_stride, b, hidden, at.dh, layout, ep,
              got.data(), ldc, c_stride, scratch.get(), pool.get());

  const GemmKernel& ref = test::RefGemmKernel();
  for (size_t h = 0; h < at.heads; ++h) {
    test::AlignedBuffer packed = test::AllocAligned(ref.packed_size(n, k));
    ref.pack(b + h * at.dh, hidden, layout, n, k, nullptr, packed.get());
    Gemm(ref, m, n, k, a + h * a_stride, lda, packed.get(), ep,
         want.data() + h * c_stride * out_size, ldc, nullptr);
  }
  ASSERT_EQ(got, want) << (qk ? "Q.K^T" : "P.V") << " heads=" << at.heads << " seq=" << at.seq
                       << " dh=" << at.dh << " threads=" << threads;
}

TEST_P(GemmDriver, BatchedAttention) {
  test::Rng rng(32);
  INTFORMER_SEED_TRACE(rng);
  const size_t shapes[][3] = {{1, 1, 1}, {2, 7, 16}, {4, 33, 64}, {12, 128, 64}, {3, 65, 24}};
  for (const auto& s : shapes) {
    Attention at{s[0], s[1], s[2], {}, {}, {}, {}};
    at.q = rng.Vector<int8_t>(at.seq * at.heads * at.dh, -128, 127);
    at.k = rng.Vector<int8_t>(at.seq * at.heads * at.dh, -128, 127);
    at.v = rng.Vector<int8_t>(at.seq * at.heads * at.dh, -128, 127);
    at.p = rng.Vector<int8_t>(at.heads * at.seq * at.seq, 0, 127);
    for (size_t threads : {1, 2}) {
      CheckBatched(*GetParam(), threads, at, true, GemmOutput::kS32, rng);
      CheckBatched(*GetParam(), threads, at, false, GemmOutput::kS8Requant, rng);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, GemmDriver,
                         ::testing::ValuesIn(test::AllKernels(kGemmKernels, kGemmKernelCount)),
                         test::KernelName<GemmKernel>);

TEST(GemmDispatch, SelectsEnabledAndFindsPackFormats) {
  const GemmKernel& k = SelectGemmKernel(GemmShape{128, 768, 768});
  EXPECT_TRUE(IsaEnabled(k.isa));
  EXPECT_EQ(FindGemmKernel(k.pack_format), &k);
  EXPECT_EQ(FindGemmKernel(kPackRef), &test::RefGemmKernel());
  EXPECT_EQ(FindGemmKernel(0xdead), nullptr);
  EXPECT_STREQ(test::RefGemmKernel().name, "ref");
  // No enabled entry that accepts the shape precedes the choice (best first, ref last).
  for (size_t i = 0; i < kGemmKernelCount && &kGemmKernels[i] != &k; ++i) {
    const GemmKernel& e = kGemmKernels[i];
    EXPECT_FALSE(IsaEnabled(e.isa) && (e.reject == nullptr || e.reject({128, 768, 768}) == nullptr))
        << e.name;
  }
  const char* cap = std::getenv("INTFORMER_MAX_ISA");
  if (cap != nullptr && std::string(cap) == "scalar") {
    EXPECT_EQ(&k, &test::RefGemmKernel());
  }
  if (cap != nullptr && std::string(cap) == "avx2" && CpuHasIsa(Isa::kAvx2)) {
    EXPECT_STREQ(k.name, "avx2_6x16");
    EXPECT_EQ(FindGemmKernel(kPackAvx512Vnni), nullptr);  // capped away: not usable
  }
#if INTFORMER_AARCH64
  if (cap != nullptr && std::string(cap) == "neon" && CpuHasIsa(Isa::kNeon)) {
    EXPECT_STREQ(k.name, "neon_4x4");
    EXPECT_EQ(FindGemmKernel(kPackNeonDot), nullptr);
    EXPECT_EQ(FindGemmKernel(kPackI8mm), nullptr);
  }
  if (cap != nullptr && std::string(cap) == "neondot" && CpuHasIsa(Isa::kNeonDot)) {
    EXPECT_STREQ(k.name, "neondot_4x16");
    EXPECT_EQ(FindGemmKernel(kPackI8mm), nullptr);
  }
#endif
}

}  // namespace
}  // namespace intformer
