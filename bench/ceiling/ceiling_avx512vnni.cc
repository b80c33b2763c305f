// vpdpbusd throughput: 16 independent zmm accumulators hide its latency (a few cycles at up to
// two issues per cycle), operands stay in registers so only the multiply-add ports are measured.
#include <immintrin.h>

#include "bench/ceiling/ceiling.h"

namespace intformer {
namespace bench {

uint64_t CeilingLoopAvx512Vnni(uint64_t iters, int32_t* sink) {
  constexpr int kAcc = 16;
  __m512i acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi32(*sink | 0x01010101), b = _mm512_set1_epi32(0x02030405);
  for (uint64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a), "+v"(b));  // keep the operands opaque to the optimiser
  }
  __m512i s = acc[0];
  for (int i = 1; i < kAcc; ++i) s = _mm512_add_epi32(s, acc[i]);
  alignas(64) int32_t v[16];  // (not _mm512_reduce_add: GCC 12 warns inside its own header)
  _mm512_store_si512(v, s);
  *sink = v[0] + v[15];
  return iters * kAcc * 64;
}

}  // namespace bench
}  // namespace intformer
