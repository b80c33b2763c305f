// Internal to ops/gemm_s8: the per-ISA kernel entry points that gemm_s8_dispatch.cc lists, and
// the scalar epilogue every variant uses for the values it does not vectorise (tails). That
// scalar epilogue is the definition (requant.h), so a tail can never disagree with ref.
#ifndef INTFORMER_OPS_GEMM_S8_GEMM_S8_VARIANTS_H_
#define INTFORMER_OPS_GEMM_S8_GEMM_S8_VARIANTS_H_

#include <cstddef>
#include <cstdint>

#include "ops/gemm_s8/gemm_s8.h"

namespace intformer {

inline size_t GemmRound64(size_t bytes) { return (bytes + 63) & ~size_t{63}; }

// Wrapping int32 addition: the accumulator arithmetic of every variant (see gemm_s8.h).
inline int32_t GemmWrapAdd(int32_t x, int32_t y) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) + static_cast<uint32_t>(y));
}

// The clamp bounds of an epilogue after folding in the int8 range for kS8Requant.
inline void GemmClampBounds(const GemmEpilogue& ep, int32_t* lo, int32_t* hi) {
  *lo = ep.lo;
  *hi = ep.hi;
  if (ep.output == GemmOutput::kS8Requant) {
    if (*lo < -128) *lo = -128;
    if (*hi > 127) *hi = 127;
  }
}

// Writes Epilogue(acc[i]) for channels n0 + i, i < count, into row `c_row` (C[m][0]).
inline void GemmEpilogueScalar(const GemmEpilogue& ep, const int32_t* acc, size_t count, size_t n0,
                               void* c_row) {
  if (ep.output == GemmOutput::kS32) {
    int32_t* dst = static_cast<int32_t*>(c_row) + n0;
    for (size_t i = 0; i < count; ++i) dst[i] = acc[i];
    return;
  }
  int32_t lo, hi;
  GemmClampBounds(ep, &lo, &hi);
  for (size_t i = 0; i < count; ++i) {
    const Dyadic d = ep.per_channel ? ep.scale[n0 + i] : ep.scale[0];
    const int32_t v = Clamp(RequantRaw(acc[i], d), lo, hi);
    if (ep.output == GemmOutput::kS8Requant) {
      static_cast<int8_t*>(c_row)[n0 + i] = static_cast<int8_t>(v);
    } else {
      static_cast<int32_t*>(c_row)[n0 + i] = v;
    }
  }
}

// Reads B[n][k] of the caller's operand in either layout.
inline int8_t GemmLoadB(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k) {
  return layout == BLayout::kNK ? b[n * ldb + k] : b[k * ldb + n];
}

// ref (kPackRef), gemm_s8_ref.cc
size_t GemmPackedSizeRef(size_t n, size_t k);
void GemmPackRef(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                 const int32_t* bias, void* packed);
void GemmComputeRef(const GemmArgs& args);

// avx2 6x16 (kPackAvx2), gemm_s8_avx2.cc
size_t GemmPackedSizeAvx2(size_t n, size_t k);
void GemmPackAvx2(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed);
void GemmComputeAvx2(const GemmArgs& args);

// avx512vnni 6x64 (kPackAvx512Vnni), gemm_s8_avx512vnni.cc
size_t GemmPackedSizeAvx512Vnni(size_t n, size_t k);
void GemmPackAvx512Vnni(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                        const int32_t* bias, void* packed);
void GemmComputeAvx512Vnni(const GemmArgs& args);

// onednn (kPackOneDnn), gemm_s8_onednn.cc
const char* GemmRejectOneDnn(const GemmShape& shape);
size_t GemmPackedSizeOneDnn(size_t n, size_t k);
void GemmPackOneDnn(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                    const int32_t* bias, void* packed);
void GemmComputeOneDnn(const GemmArgs& args);

// ARM variants (gemm_s8_neon.cc, gemm_s8_neondot.cc, gemm_s8_i8mm.cc) are declared here by the
// ARM work, following the same four-function pattern.

}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_S8_VARIANTS_H_
