// The gemm_s8 kernel table: best first, ref last. Compiled without ISA flags; each variant's
// symbols come from its own translation unit (gemm_s8_<isa>.cc).
//
// Order on x86: amx (tdpbusd tiles, 2-2.5x vpdpbusd on BERT shapes) reads the avx512vnni packed
// layout, so a file packed for avx512vnni runs on either and FindGemmKernel prefers amx where
// the CPU and the OS grant it. Then avx512vnni (our vpdpbusd kernel) before onednn, which is kept as a peer and a
// cross-check (bench/bench_gemm_s8.cc shows which is faster); avx2 runs where VNNI is absent.
// onednn is offered only on VNNI hardware (see docs/numerics.md: without VNNI oneDNN's s8 x s8
// path may saturate). Pack formats make a packed B usable only by its own kernel:
// FindGemmKernel maps a model file's recorded pack_format back to the kernel that reads it.
#include "ops/gemm_s8/gemm_s8.h"
#include "ops/gemm_s8/gemm_s8_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const GemmKernel kGemmKernels[] = {
#if INTFORMER_X86_VARIANTS
#if INTFORMER_HAVE_AMX_KERNEL
    {"amx_16x48", Isa::kAmxInt8, kPackAvx512Vnni, kAmxMr, kAvx512VnniNr, nullptr,
     GemmPackedSizeAvx512Vnni, GemmPackAvx512Vnni, GemmComputeAmx},
#endif
    {"avx512vnni_8x48", Isa::kAvx512Vnni, kPackAvx512Vnni, kAvx512VnniMr, kAvx512VnniNr,
     nullptr, GemmPackedSizeAvx512Vnni, GemmPackAvx512Vnni, GemmComputeAvx512Vnni},
#if INTFORMER_HAVE_ONEDNN
    {"onednn", Isa::kAvx512Vnni, kPackOneDnn, 1, kGemmWholeN, GemmRejectOneDnn,
     GemmPackedSizeOneDnn, GemmPackOneDnn, GemmComputeOneDnn},
#endif
    {"avx2_6x16", Isa::kAvx2, kPackAvx2, kAvx2Mr, kAvx2Nr, nullptr, GemmPackedSizeAvx2,
     GemmPackAvx2, GemmComputeAvx2},
#endif
#if INTFORMER_NEON_VARIANTS
    // ARM, best first: i8mm (smmla) and neondot (sdot) on aarch64, neon (smull + sadalp) on
    // aarch64 and armv7 hard-float.
#if INTFORMER_AARCH64
    {"i8mm_8x8", Isa::kI8mm, kPackI8mm, 8, 8, nullptr, GemmPackedSizeI8mm, GemmPackI8mm,
     GemmComputeI8mm},
    {"neondot_4x16", Isa::kNeonDot, kPackNeonDot, 4, 16, nullptr, GemmPackedSizeNeonDot,
     GemmPackNeonDot, GemmComputeNeonDot},
#endif
    {INTFORMER_AARCH64 ? "neon_4x4" : "neon_2x4", Isa::kNeon, kPackNeon, kGemmNeonMr, 4, nullptr,
     GemmPackedSizeNeon, GemmPackNeon, GemmComputeNeon},
#endif
    {"ref", Isa::kScalar, kPackRef, 1, 1, nullptr, GemmPackedSizeRef, GemmPackRef,
     GemmComputeRef},
};
const size_t kGemmKernelCount = sizeof(kGemmKernels) / sizeof(kGemmKernels[0]);

// Compiled on every build (gemm_s8_pack_x86.cc, gemm_s8_pack_arm.cc): see gemm_s8.h.
const GemmPacker kGemmPackers[] = {
    {"ref", Isa::kScalar, kPackRef, GemmPackedSizeRef, GemmPackRef},
    {"avx2", Isa::kAvx2, kPackAvx2, GemmPackedSizeAvx2, GemmPackAvx2},
    {"avx512vnni", Isa::kAvx512Vnni, kPackAvx512Vnni, GemmPackedSizeAvx512Vnni,
     GemmPackAvx512Vnni},
    {"neon", Isa::kNeon, kPackNeon, GemmPackedSizeNeon, GemmPackNeon},
    {"neondot", Isa::kNeonDot, kPackNeonDot, GemmPackedSizeNeonDot, GemmPackNeonDot},
    {"i8mm", Isa::kI8mm, kPackI8mm, GemmPackedSizeI8mm, GemmPackI8mm},
};
const size_t kGemmPackerCount = sizeof(kGemmPackers) / sizeof(kGemmPackers[0]);

const GemmPacker* FindGemmPacker(uint32_t pack_format) {
  for (size_t i = 0; i < kGemmPackerCount; ++i) {
    if (kGemmPackers[i].pack_format == pack_format) return &kGemmPackers[i];
  }
  return nullptr;
}

const GemmKernel& SelectGemmKernel(const GemmShape& shape) {
  return SelectKernel("gemm_s8", kGemmKernels, kGemmKernelCount, shape);
}

const GemmKernel* FindGemmKernel(uint32_t pack_format) {
  for (size_t i = 0; i < kGemmKernelCount; ++i) {
    if (kGemmKernels[i].pack_format == pack_format && IsaEnabled(kGemmKernels[i].isa)) {
      return &kGemmKernels[i];
    }
  }
  return nullptr;
}

}  // namespace intformer
