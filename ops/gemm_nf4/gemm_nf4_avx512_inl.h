// The strip preparation shared by the AVX-512 gemm_nf4 kernels (avx512vnni, amx): the block
// ratios r of a strip of channels and the codes decoded to W8 (gemm_nf4.h) in vpdpbusd / AMX-B
// order. Include only from translation units compiled with the avx512vnni flags; everything
// has internal linkage, so each kernel's TU keeps its own copy under its own flags.
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

// ratios[b][i] (i < 48) = 2 r(n0 + i, b) for i < valid, else 0:
// Nf4Ratio(Nf4BlockMult(...), recip), doubled for vpmulhrsw, 16 channels at a time (gathers of
// the u8 codes, dq_code and G; int64 products by vpmuldq on the even and odd dwords; vpsraq;
// then |mult * R| < 2^25 is a vpmulld). Gathering a u8 reads a dword, so a strip whose last
// code byte lies within 3 bytes of the array's end takes the scalar definition instead.
void StripRatios(const Nf4Matrix& m, size_t n0, size_t valid, int32_t* ratios) {
  constexpr size_t width = kNf4StripNr;
  const size_t kb = m.k / kNf4Block;
  if ((n0 + valid) * kb + 3 > Nf4Blocks(m.n, m.k)) {
    for (size_t b = 0; b < kb; ++b) {
      for (size_t i = 0; i < width; ++i) {
        ratios[b * width + i] =
            i < valid ? 2 * Nf4Ratio(Nf4BlockMult(m, (n0 + i) * kb + b), m.recip[n0 + i]) : 0;
      }
    }
    return;
  }
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i rnd = _mm512_set1_epi64(int64_t{1} << (kNf4DqShift - 1));
  const __m512i offset = _mm512_set1_epi32(m.offset);
  const __m512i low8 = _mm512_set1_epi32(0xff);
  for (size_t c = 0; c < width; c += 16) {
    const __mmask16 mask = c >= valid ? 0 : LaneMask(valid - c);
    const __m512i first = _mm512_mullo_epi32(
        _mm512_add_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(n0 + c))),
        _mm512_set1_epi32(static_cast<int32_t>(kb)));
    const __m512i recip = _mm512_maskz_loadu_epi32(mask, m.recip + n0 + c);
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
      const __m512i mu = _mm512_add_epi32(
          _mm512_mask_blend_epi32(__mmask16(0xaaaa), even, _mm512_slli_epi64(odd, 32)), offset);
      const __m512i r = _mm512_srai_epi32(_mm512_mullo_epi32(mu, recip), kNf4RatioShift);
      _mm512_store_si512(ratios + b * width + c, _mm512_slli_epi32(r, 1));
    }
  }
}

// Decodes codes panels p0 .. p0 + cols - 1 to W8 into w (group-major, 192 bytes per group of
// 4 k whatever cols is, panel c at + 64 c: the vpdpbusd strip and the AMX B layout alike), with
// the doubled ratios of StripRatios.
// colsum != nullptr: colsum[16 c + i] = sum over K of W8 (a vpdpbusd kernel's u8 x s8
// compensation). Per 64 bytes of codes (two groups): the nibbles are widened to words in place
// (vpunpcklbw / vpunpckhbw with zero, within each 128-bit lane), mapped to their levels by a
// vpermw table, multiplied by 2r with vpmulhrsw (= gemm_nf4.h's (level * r + 2^13) >> 14), and
// narrowed by vpacksswb, whose in-lane order undoes the unpacks: the bytes land where their
// codes were. The words of a lane hold 2 channels x 4 k, so 2r is spread to that pattern once
// per block and panel (two vpermw).
void DecodeStrip(const Nf4Matrix& m, size_t p0, size_t cols, const int32_t* ratios, int8_t* w,
                 int32_t* colsum) {
  constexpr size_t stride = kNf4StripNr * 4;
  const __m512i levels = _mm512_cvtepi8_epi16(
      _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kNf4Levels))));
  const __m512i low4 = _mm512_set1_epi8(0x0f);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i ones = _mm512_set1_epi8(1);
  // Word j of lane l (j < 8): channel 4l + j/4 (the low unpack) or 4l + 2 + j/4 (the high one);
  // as a word index into the dword ratios, twice the channel.
  alignas(64) int16_t idx_lo[32], idx_hi[32];
  for (int l = 0; l < 4; ++l) {
    for (int j = 0; j < 8; ++j) {
      idx_lo[8 * l + j] = static_cast<int16_t>(2 * (4 * l + j / 4));
      idx_hi[8 * l + j] = static_cast<int16_t>(2 * (4 * l + 2 + j / 4));
    }
  }
  const __m512i ilo = _mm512_load_si512(idx_lo), ihi = _mm512_load_si512(idx_hi);
  for (size_t c = 0; c < cols; ++c) {
    const uint8_t* src = m.codes + (p0 + c) * kNf4Panel * m.k / 2;
    int8_t* dst = w + 64 * c;
    __m512i sum = _mm512_setzero_si512();
    for (size_t b = 0; b < m.k / kNf4Block; ++b) {
      const __m512i rv = _mm512_load_si512(ratios + b * kNf4StripNr + 16 * c);
      const __m512i r_lo = _mm512_permutexvar_epi16(ilo, rv);
      const __m512i r_hi = _mm512_permutexvar_epi16(ihi, rv);
      auto decode = [&](__m512i nib) {
        const __m512i lo = _mm512_mulhrs_epi16(
            _mm512_permutexvar_epi16(_mm512_unpacklo_epi8(nib, zero), levels), r_lo);
        const __m512i hi = _mm512_mulhrs_epi16(
            _mm512_permutexvar_epi16(_mm512_unpackhi_epi8(nib, zero), levels), r_hi);
        return _mm512_packs_epi16(lo, hi);
      };
      for (size_t j = 0; j < kNf4Block / 8; ++j, src += 64, dst += 2 * stride) {
        const __m512i x = _mm512_loadu_si512(src);
        const __m512i w0 = decode(_mm512_and_si512(x, low4));
        const __m512i w1 = decode(_mm512_and_si512(_mm512_srli_epi16(x, 4), low4));
        _mm512_store_si512(dst, w0);
        _mm512_store_si512(dst + stride, w1);
        if (colsum != nullptr) {
          sum = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(sum, ones, w0), ones, w1);
        }
      }
    }
    if (colsum != nullptr) _mm512_store_si512(colsum + 16 * c, sum);
  }
}

int32_t* Align64(int32_t* p) {
  while (reinterpret_cast<uintptr_t>(p) % 64 != 0) ++p;
  return p;
}

}  // namespace
}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_NF4_GEMM_NF4_AVX512_INL_H_
