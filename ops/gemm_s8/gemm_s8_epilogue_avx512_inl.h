// The gemm_s8 epilogue on 16 int32 lanes, shared by the AVX-512 kernels (avx512vnni, amx):
// Clamp(Requant(acc, scale[n]), lo, hi) with requant.h's rule, stored as int32 or int8.
// Include only from translation units compiled with the avx512 flags. Everything here has
// internal linkage, so each kernel's TU keeps its own copy built under its own ISA flags.
#ifndef INTFORMER_OPS_GEMM_S8_GEMM_S8_EPILOGUE_AVX512_INL_H_
#define INTFORMER_OPS_GEMM_S8_GEMM_S8_EPILOGUE_AVX512_INL_H_

#include <immintrin.h>

#include "ops/gemm_s8/gemm_s8.h"
#include "ops/requant/requant_avx512_inl.h"

namespace intformer {
namespace {

struct Epi {
  GemmOutput output;
  bool per_channel;
  const Dyadic* scale;
  __m512i lo64, hi64;
};

// The epilogue's constants in registers, once per kernel call.
inline Epi MakeEpi(const GemmEpilogue& ep) {
  Epi e;
  e.output = ep.output;
  e.per_channel = ep.per_channel;
  e.scale = ep.scale;
  int32_t lo, hi;
  GemmClampBounds(ep, &lo, &hi);
  e.lo64 = _mm512_set1_epi64(lo);
  e.hi64 = _mm512_set1_epi64(hi);
  return e;
}

// The Dyadics of 16 channels starting at n (valid lanes: mask) as a mult and a shift vector.
inline void LoadScale16(const Epi& e, size_t n, __mmask16 mask, __m512i* mult, __m512i* shift) {
  if (!e.per_channel) {
    *mult = _mm512_set1_epi32(e.scale[0].mult);
    *shift = _mm512_set1_epi32(e.scale[0].shift);
    return;
  }
  if (mask == 0xffff) {
    LoadDyadic16Avx512(e.scale + n, mult, shift);
    return;
  }
  // Tail: {mult, shift} pairs of the valid channels only; the rest read as {0, 1}.
  alignas(64) Dyadic tmp[16];
  for (size_t i = 0; i < 16; ++i) tmp[i] = (mask >> i) & 1 ? e.scale[n + i] : Dyadic{0, 1};
  LoadDyadic16Avx512(tmp, mult, shift);
}

inline void Store16(const Epi& e, __m512i acc, __m512i mult, __m512i shift, size_t n,
                    __mmask16 mask, void* c_row) {
  switch (e.output) {
    case GemmOutput::kS32:
      _mm512_mask_storeu_epi32(static_cast<int32_t*>(c_row) + n, mask, acc);
      break;
    case GemmOutput::kS32Requant:
      _mm512_mask_storeu_epi32(static_cast<int32_t*>(c_row) + n, mask,
                               RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64));
      break;
    case GemmOutput::kS8Requant:
      _mm_mask_storeu_epi8(
          static_cast<int8_t*>(c_row) + n, mask,
          _mm512_cvtepi32_epi8(RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64)));
      break;
  }
}

}  // namespace
}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_S8_EPILOGUE_AVX512_INL_H_
