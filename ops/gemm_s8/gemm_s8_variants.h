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

// Geometry of the stored packed layouts. Every pack function is plain C++ in an ISA-neutral file
// (gemm_s8_pack_x86.cc, gemm_s8_pack_arm.cc) compiled on every build, so the host converter can
// pack for any target; each compute kernel, in its ISA file, reads the layout through these.
constexpr size_t kGemmNeonNr = 4, kGemmNeonKc = 16;
constexpr size_t kGemmNeonDotNr = 16, kGemmNeonDotKc = 16;
constexpr size_t kGemmI8mmNr = 8, kGemmI8mmKc = 8;
// ARM blocks: int32 bias[nr], then int8 B in chunks of kc values of K (see each kernel's file).
inline size_t GemmArmBlockBytes(size_t nr, size_t kc, size_t k) {
  return nr * sizeof(int32_t) + nr * kc * ((k + kc - 1) / kc);
}
inline size_t GemmBlockBytesNeon(size_t k) {
  return GemmArmBlockBytes(kGemmNeonNr, kGemmNeonKc, k);
}
inline size_t GemmBlockBytesNeonDot(size_t k) {
  return GemmArmBlockBytes(kGemmNeonDotNr, kGemmNeonDotKc, k);
}
inline size_t GemmBlockBytesI8mm(size_t k) {
  return GemmArmBlockBytes(kGemmI8mmNr, kGemmI8mmKc, k);
}

// ref (kPackRef), gemm_s8_ref.cc
size_t GemmPackedSizeRef(size_t n, size_t k);
void GemmPackRef(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                 const int32_t* bias, void* packed);
void GemmComputeRef(const GemmArgs& args);

// avx2 6x16 (kPackAvx2), gemm_s8_avx2.cc (pack: gemm_s8_pack_x86.cc). The tile is shared with
// the table (one definition). Panels: int32 bias[16], then K pairs of 16 channels x 2.
constexpr uint32_t kAvx2Mr = 6, kAvx2Nr = 16;
inline size_t GemmPanelBytesAvx2(size_t k) { return kAvx2Nr * 4 + (k + 1) / 2 * kAvx2Nr * 2; }
size_t GemmPackedSizeAvx2(size_t n, size_t k);
void GemmPackAvx2(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed);
void GemmComputeAvx2(const GemmArgs& args);

// avx512vnni 8x48 (kPackAvx512Vnni), gemm_s8_avx512vnni.cc (pack: gemm_s8_pack_x86.cc).
// Panels: int32 bias'[48], then K groups of 48 channels x 4.
constexpr uint32_t kAvx512VnniMr = 8, kAvx512VnniNr = 48;
inline size_t GemmPanelBytesAvx512Vnni(size_t k) {
  return kAvx512VnniNr * 4 + (k + 3) / 4 * kAvx512VnniNr * 4;
}
size_t GemmPackedSizeAvx512Vnni(size_t n, size_t k);
void GemmPackAvx512Vnni(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                        const int32_t* bias, void* packed);
void GemmComputeAvx512Vnni(const GemmArgs& args);

// amx 16x48 (reads kPackAvx512Vnni: packs with GemmPackAvx512Vnni), gemm_s8_amx.cc
constexpr uint32_t kAmxMr = 16;
void GemmComputeAmx(const GemmArgs& args);

// onednn (kPackOneDnn), gemm_s8_onednn.cc
const char* GemmRejectOneDnn(const GemmShape& shape);
size_t GemmPackedSizeOneDnn(size_t n, size_t k);
void GemmPackOneDnn(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                    const int32_t* bias, void* packed);
void GemmComputeOneDnn(const GemmArgs& args);

// neon 4x4 / 2x4 (kPackNeon), gemm_s8_neon.cc (pack: gemm_s8_pack_arm.cc): 4 rows on aarch64
// (32 vector registers), 2 on armv7 (16); the packed layout is the same on both.
constexpr int kGemmNeonMr = INTFORMER_AARCH64 ? 4 : 2;
size_t GemmPackedSizeNeon(size_t n, size_t k);
void GemmPackNeon(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed);
void GemmComputeNeon(const GemmArgs& args);

// neondot 4x16 (kPackNeonDot), gemm_s8_neondot.cc; aarch64 only (pack: every build).
size_t GemmPackedSizeNeonDot(size_t n, size_t k);
void GemmPackNeonDot(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                     const int32_t* bias, void* packed);
void GemmComputeNeonDot(const GemmArgs& args);

// i8mm 8x8 (kPackI8mm), gemm_s8_i8mm.cc; aarch64 only (pack: every build).
size_t GemmPackedSizeI8mm(size_t n, size_t k);
void GemmPackI8mm(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed);
void GemmComputeI8mm(const GemmArgs& args);

}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_S8_VARIANTS_H_
