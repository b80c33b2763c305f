// The strip preparation shared by the AVX-512 gemm_nf4 kernels (avx512vnni, amx): NF4 codes
// decoded to int8 levels in vpdpbusd / AMX-B order, and the per-block integer multipliers of a
// strip of 48 channels. Include only from translation units compiled with the avx512vnni flags;
// everything has internal linkage, so each kernel's TU keeps its own copy under its own flags.
#ifndef INTFORMER_OPS_GEMM_NF4_GEMM_NF4_AVX512_INL_H_
#define INTFORMER_OPS_GEMM_NF4_GEMM_NF4_AVX512_INL_H_

#include <immintrin.h>

#include <cstdint>

#include "ops/gemm_nf4/gemm_nf4.h"

namespace intformer {
namespace {

constexpr size_t kNf4StripCols = 3;                            // 16-channel panels per strip
constexpr size_t kNf4StripNr = kNf4StripCols * kNf4Panel;      // 48 channels per strip

__mmask16 LaneMask(size_t valid) {
  return valid >= 16 ? __mmask16(0xffff) : __mmask16((1u << valid) - 1);
}

// Decodes codes panels p0 .. p0 + cols - 1 into w (group-major, cols x 64 bytes per group) and
// the block-start values init[b][16c + i] = 2^(s-1) - 128 * SW (the u8 x s8 compensation of a
// vpdpbusd kernel; init == nullptr skips it, for kernels that multiply signed by signed).
void DecodeStrip(const Nf4Matrix& m, size_t p0, size_t cols, int s, int8_t* w, int32_t* init) {
  const __m512i table = _mm512_broadcast_i32x4(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kNf4Levels)));
  const __m512i low4 = _mm512_set1_epi8(0x0f);
  const __m512i ones = _mm512_set1_epi8(1);
  const __m512i rnd = _mm512_set1_epi32(int32_t{1} << (s - 1));
  const size_t stride = cols * 64;  // bytes per group of 4 k
  for (size_t c = 0; c < cols; ++c) {
    const uint8_t* src = m.codes + (p0 + c) * kNf4Panel * m.k / 2;
    int8_t* dst = w + 64 * c;
    for (size_t b = 0; b < m.k / kNf4Block; ++b) {
      __m512i sw = _mm512_setzero_si512();
      for (size_t j = 0; j < kNf4Block / 8; ++j, src += 64, dst += 2 * stride) {
        const __m512i x = _mm512_loadu_si512(src);
        const __m512i lo = _mm512_shuffle_epi8(table, _mm512_and_si512(x, low4));
        const __m512i hi =
            _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(x, 4), low4));
        _mm512_store_si512(dst, lo);
        _mm512_store_si512(dst + stride, hi);
        if (init != nullptr) sw = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(sw, ones, lo), ones, hi);
      }
      if (init == nullptr) continue;
      _mm512_store_si512(init + b * kNf4StripNr + 16 * c,
                         _mm512_sub_epi32(rnd, _mm512_slli_epi32(sw, 7)));
    }
  }
}

// mults[b][i] (row stride `width`, a multiple of 16) = the int16 pair (mult(n0 + i, b), 0) for
// i < valid, else 0: ref's Nf4BlockMult
// 16 channels at a time (gathers of the u8 codes, dq_code and G; int64 products by vpmuldq on
// the even and odd dwords; vpsraq). Gathering a u8 reads a dword, so a strip whose last code
// byte lies within 3 bytes of the array's end takes the scalar definition instead.
void StripMults(const Nf4Matrix& m, size_t n0, size_t valid, int32_t* mults,
                size_t width = kNf4StripNr) {
  const size_t kb = m.k / kNf4Block;
  if ((n0 + valid) * kb + 3 > Nf4Blocks(m.n, m.k)) {
    for (size_t b = 0; b < kb; ++b) {
      for (size_t i = 0; i < width; ++i) {
        const int64_t mu = i < valid ? Nf4BlockMult(m, (n0 + i) * kb + b) : 0;
        mults[b * width + i] = static_cast<int32_t>(static_cast<uint32_t>(mu) & 0xffffu);
      }
    }
    return;
  }
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i rnd = _mm512_set1_epi64(int64_t{1} << (kNf4DqShift - 1));
  const __m512i offset = _mm512_set1_epi32(m.offset);
  const __m512i low16 = _mm512_set1_epi32(0xffff), low8 = _mm512_set1_epi32(0xff);
  for (size_t c = 0; c < width; c += 16) {
    const __mmask16 mask = c >= valid ? 0 : LaneMask(valid - c);
    const __m512i first = _mm512_mullo_epi32(
        _mm512_add_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(n0 + c))),
        _mm512_set1_epi32(static_cast<int32_t>(kb)));
    for (size_t b = 0; b < kb; ++b) {
      const __m512i idx = _mm512_add_epi32(first, _mm512_set1_epi32(static_cast<int32_t>(b)));
      const __m512i z = _mm512_setzero_si512();
      const __m512i q = _mm512_and_si512(
          _mm512_mask_i32gather_epi32(z, mask, idx, m.absmax_q, 1), low8);
      const __m512i dq = _mm512_mask_i32gather_epi32(z, mask, q, m.dq_code, 4);
      const __m512i g = _mm512_mask_i32gather_epi32(z, mask, _mm512_srli_epi32(idx, 8),
                                                    m.absmax2, 4);
      const __m512i even = _mm512_srai_epi64(_mm512_add_epi64(_mm512_mul_epi32(dq, g), rnd),
                                             kNf4DqShift);
      const __m512i odd = _mm512_srai_epi64(
          _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(dq, 32), _mm512_srli_epi64(g, 32)),
                           rnd),
          kNf4DqShift);
      const __m512i mu = _mm512_mask_blend_epi32(__mmask16(0xaaaa), even,
                                                 _mm512_slli_epi64(odd, 32));
      _mm512_store_si512(mults + b * width + c,
                         _mm512_maskz_and_epi32(mask, _mm512_add_epi32(mu, offset), low16));
    }
  }
}

int32_t* Align64(int32_t* p) {
  while (reinterpret_cast<uintptr_t>(p) % 64 != 0) ++p;
  return p;
}

}  // namespace
}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_NF4_GEMM_NF4_AVX512_INL_H_
