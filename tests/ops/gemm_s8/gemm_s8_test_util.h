// Shared by the gemm_s8 tests: one problem description, packing into 64-byte aligned memory,
// and running any kernel of the table on it so the output bytes can be compared with ref's.
#ifndef INTFORMER_TESTS_OPS_GEMM_S8_GEMM_S8_TEST_UTIL_H_
#define INTFORMER_TESTS_OPS_GEMM_S8_GEMM_S8_TEST_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/threadpool.h"
#include "tests/test_util.h"

namespace intformer {
namespace test {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<uint8_t, FreeDeleter>;

inline AlignedBuffer AllocAligned(size_t bytes) {
  const size_t size = (bytes + 63) / 64 * 64 + 64;
  return AlignedBuffer(static_cast<uint8_t*>(std::aligned_alloc(64, size)));
}

inline const GemmKernel& RefGemmKernel() { return kGemmKernels[kGemmKernelCount - 1]; }

struct GemmProblem {
  size_t m = 1, n = 1, k = 1;
  size_t lda = 0, ldb = 0, ldc = 0;  // 0: dense (k, k or n, n)
  BLayout layout = BLayout::kNK;
  std::vector<int8_t> a, b;
  std::vector<int32_t> bias;  // empty: no bias
  std::vector<Dyadic> scale;
  GemmEpilogue ep;

  size_t Lda() const { return lda != 0 ? lda : k; }
  size_t Ldb() const { return ldb != 0 ? ldb : (layout == BLayout::kNK ? k : n); }
  size_t Ldc() const { return ldc != 0 ? ldc : n; }
  size_t OutSize() const { return ep.output == GemmOutput::kS8Requant ? 1 : 4; }

  // Random operands in [lo, hi] (set a/b afterwards for structured cases).
  void Fill(Rng& rng, int32_t lo = -128, int32_t hi = 127) {
    a = rng.Vector<int8_t>(m * Lda(), lo, hi);
    b = rng.Vector<int8_t>(layout == BLayout::kNK ? n * Ldb() : k * Ldb(), lo, hi);
  }
  void RandomBias(Rng& rng, int32_t bound) { bias = rng.Vector<int32_t>(n, -bound - 1, bound); }
  void SetEpilogue(GemmOutput out, bool per_channel, Rng& rng, int32_t lo = INT32_MIN,
                   int32_t hi = INT32_MAX) {
    ep = GemmEpilogue{};
    ep.output = out;
    ep.per_channel = per_channel;
    ep.lo = lo;
    ep.hi = hi;
    scale.assign(per_channel ? n : 1, Dyadic{});
    for (Dyadic& d : scale) {
      d.shift = rng.Uniform(1, 40);
      d.mult = rng.Uniform(1 << 30, INT32_MAX);
    }
    ep.scale = scale.data();
  }
};

// Output bytes of `kernel` on `p` (sentinel 0x5a in the ldc gaps), over `threads` threads.
inline std::vector<uint8_t> RunGemm(const GemmKernel& kernel, const GemmProblem& p,
                                    size_t threads = 1) {
  AlignedBuffer packed = AllocAligned(kernel.packed_size(p.n, p.k));
  kernel.pack(p.b.data(), p.Ldb(), p.layout, p.n, p.k, p.bias.empty() ? nullptr : p.bias.data(),
              packed.get());
  GemmEpilogue ep = p.ep;
  ep.scale = p.scale.data();
  std::vector<uint8_t> c(p.m * p.Ldc() * p.OutSize(), 0x5a);
  std::unique_ptr<ThreadPool> pool;
  if (threads > 1) pool.reset(new ThreadPool(threads));
  Gemm(kernel, p.m, p.n, p.k, p.a.data(), p.Lda(), packed.get(), ep, c.data(), p.Ldc(),
       pool.get());
  return c;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_OPS_GEMM_S8_GEMM_S8_TEST_UTIL_H_
