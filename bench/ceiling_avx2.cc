// vpmaddwd + vpaddd throughput on ymm (the avx2 GEMM's exact int8 path: 16 MAC per vpmaddwd,
// each followed by the add that accumulates its pair sums), 8 independent accumulators.
#include <immintrin.h>

#include "bench/ceiling.h"

namespace intformer {
namespace bench {

uint64_t CeilingLoopAvx2(uint64_t iters, int32_t* sink) {
  constexpr int kAcc = 8;
  __m256i acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi32(*sink | 0x00010001), b = _mm256_set1_epi32(0x00030005);
  for (uint64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, b));
    __asm__ volatile("" : "+x"(a), "+x"(b));
  }
  __m256i s = acc[0];
  for (int i = 1; i < kAcc; ++i) s = _mm256_add_epi32(s, acc[i]);
  alignas(32) int32_t v[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(v), s);
  *sink = v[0] + v[7];
  return iters * kAcc * 16;
}

}  // namespace bench
}  // namespace intformer
