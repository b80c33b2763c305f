// vpmaddwd + vpaddd throughput on ymm (the avx2 GEMM's exact int8 path: 16 MAC per vpmaddwd,
// each followed by the add that accumulates its pair sums). Six accumulators, each with its own
// B vector, so no two vpmaddwd of an iteration are the same expression (the compiler would
// merge them), and A made opaque every iteration so none is hoisted out of the loop.
#include <immintrin.h>

#include "bench/ceiling/ceiling.h"

namespace intformer {
namespace bench {

uint64_t CeilingLoopAvx2(uint64_t iters, int32_t* sink) {
  constexpr int kAcc = 6;
  __m256i acc[kAcc], b[kAcc];
  for (int i = 0; i < kAcc; ++i) {
    acc[i] = _mm256_set1_epi32(i);
    b[i] = _mm256_set1_epi32(0x00030005 + i);
  }
  __m256i a = _mm256_set1_epi32(*sink | 0x00010001);
  for (uint64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, b[i]));
    __asm__ volatile("" : "+x"(a));
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
