// RequantBatch on the NEON xsimd architecture of this build (neon64 on aarch64, neon on armv7),
// in its own translation unit compiled with the neon flags and free of gtest, so that no NEON
// code can leak into inline functions the other tests share.
#include <xsimd/xsimd.hpp>

#include "ops/requant/requant_xsimd.h"

namespace intformer {
namespace test {

void RequantBatchNeonForTest(const int32_t* src, int32_t* dst, size_t n, Dyadic d, int32_t lo,
                             int32_t hi) {
#if INTFORMER_AARCH64
  using Arch = xsimd::neon64;
#else
  using Arch = xsimd::neon;
#endif
  using B = xsimd::batch<int32_t, Arch>;
  for (size_t i = 0; i + B::size <= n; i += B::size) {
    RequantBatch<Arch>(B::load_unaligned(src + i), d, lo, hi).store_unaligned(dst + i);
  }
}

}  // namespace test
}  // namespace intformer
