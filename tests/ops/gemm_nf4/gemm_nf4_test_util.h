// Shared by the gemm_nf4 tests: NF4 matrices from random Gaussian weights (through the offline
// quantizer, so every constant is realistic) and a problem runner.
#ifndef INTFORMER_TESTS_OPS_GEMM_NF4_GEMM_NF4_TEST_UTIL_H_
#define INTFORMER_TESTS_OPS_GEMM_NF4_GEMM_NF4_TEST_UTIL_H_

#include <random>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "tests/test_util.h"
#include "tools/offline/nf4_params.h"

namespace intformer {
namespace test {

// Gaussian weights with a per-row scale spread over 2^-6 .. 1 and a few all-zero blocks.
inline std::vector<float> GaussianWeights(Rng& rng, size_t n, size_t k) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(n * k);
  for (size_t r = 0; r < n; ++r) {
    const float scale = std::ldexp(1.0f, -rng.Uniform(0, 6));
    for (size_t c = 0; c < k; ++c) w[r * k + c] = scale * normal(rng.engine());
    if (rng.Uniform(0, 9) == 0) {
      const size_t b = static_cast<size_t>(rng.Uniform(0, static_cast<int32_t>(k / 64) - 1));
      for (size_t c = 0; c < 64; ++c) w[r * k + b * 64 + c] = 0;
    }
  }
  return w;
}

inline offline::Nf4Quantized RandomNf4(Rng& rng, size_t n, size_t k) {
  offline::Nf4Quantized q;
  std::string why;
  const std::vector<float> w = GaussianWeights(rng, n, k);
  EXPECT_TRUE(offline::QuantizeNf4(w.data(), n, k, &q, &why)) << why;
  return q;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_OPS_GEMM_NF4_GEMM_NF4_TEST_UTIL_H_
