// The gemm_s8 kernel table: best first, ref last. Compiled without ISA flags; each variant's
// symbols come from its own translation unit (gemm_s8_<isa>.cc).
//
// Order on x86: avx512vnni (our vpdpbusd kernel) before onednn, which is kept as a peer and a
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
    {"avx512vnni_6x64", Isa::kAvx512Vnni, kPackAvx512Vnni, 6, 64, nullptr,
     GemmPackedSizeAvx512Vnni, GemmPackAvx512Vnni, GemmComputeAvx512Vnni},
#if INTFORMER_HAVE_ONEDNN
    {"onednn", Isa::kAvx512Vnni, kPackOneDnn, 1, kGemmWholeN, GemmRejectOneDnn,
     GemmPackedSizeOneDnn, GemmPackOneDnn, GemmComputeOneDnn},
#endif
    {"avx2_6x16", Isa::kAvx2, kPackAvx2, 6, 16, nullptr, GemmPackedSizeAvx2, GemmPackAvx2,
     GemmComputeAvx2},
#endif
#if INTFORMER_NEON_VARIANTS
    // The ARM entries go here, best first: i8mm (smmla, Isa::kI8mm, kPackI8mm), neondot (sdot,
    // Isa::kNeonDot, kPackNeonDot), neon (smlal, Isa::kNeon, kPackNeon). Their symbols are
    // declared in gemm_s8_variants.h and compiled by ops/gemm_s8/CMakeLists.txt.
#endif
    {"ref", Isa::kScalar, kPackRef, 1, 1, nullptr, GemmPackedSizeRef, GemmPackRef,
     GemmComputeRef},
};
const size_t kGemmKernelCount = sizeof(kGemmKernels) / sizeof(kGemmKernels[0]);

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
