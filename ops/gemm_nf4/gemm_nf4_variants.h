// Internal to ops/gemm_nf4: the per-ISA entry points the table lists and the pieces every
// variant shares (the per-panel block multipliers, the scalar epilogue of gemm_s8).
#ifndef INTFORMER_OPS_GEMM_NF4_GEMM_NF4_VARIANTS_H_
#define INTFORMER_OPS_GEMM_NF4_GEMM_NF4_VARIANTS_H_

#include <cstddef>
#include <cstdint>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {

// mult(n, b) for the 16 channels of panel p as [b][16] int32 (channels past n read as 0).
inline void Nf4PanelMults(const Nf4Matrix& w, size_t p, int32_t* out) {
  const size_t kb = w.k / kNf4Block;
  for (size_t c = 0; c < kNf4Panel; ++c) {
    const size_t n = p * kNf4Panel + c;
    for (size_t b = 0; b < kb; ++b) {
      out[b * kNf4Panel + c] = n < w.n ? static_cast<int32_t>(Nf4BlockMult(w, n * kb + b)) : 0;
    }
  }
}

constexpr uint32_t kNf4AmxMr = 16;
void Nf4GemmAmx(const Nf4GemmArgs& args);
constexpr uint32_t kNf4Avx512Mr = 8;
void Nf4GemmAvx512Vnni(const Nf4GemmArgs& args);
constexpr uint32_t kNf4Avx2Mr = 3;
void Nf4GemmAvx2(const Nf4GemmArgs& args);
constexpr uint32_t kNf4NeonDotMr = 4;
void Nf4GemmNeonDot(const Nf4GemmArgs& args);

}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_NF4_GEMM_NF4_VARIANTS_H_
