// Internal to ops/gemm_nf4: the per-ISA entry points the table lists and the pieces every
// variant shares (the per-panel block ratios, the scalar epilogue of gemm_s8).
#ifndef INTFORMER_OPS_GEMM_NF4_GEMM_NF4_VARIANTS_H_
#define INTFORMER_OPS_GEMM_NF4_GEMM_NF4_VARIANTS_H_

#include <cstddef>
#include <cstdint>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {

// 2 r(n, b) (gemm_nf4.h; doubled for vpmulhrsw / vqrdmulh, it fits int16) for the 16 channels
// of panel p as [b][16]; channels past n read as 0. The scalar form the avx2 and neondot
// variants share (the AVX-512 ones gather 16 channels at a time, gemm_nf4_avx512_inl.h).
inline void Nf4PanelRatios(const Nf4Matrix& w, size_t p, int16_t* out) {
  const size_t kb = w.k / kNf4Block;
  for (size_t c = 0; c < kNf4Panel; ++c) {
    const size_t n = p * kNf4Panel + c;
    for (size_t b = 0; b < kb; ++b) {
      out[b * kNf4Panel + c] = static_cast<int16_t>(
          n < w.n ? 2 * Nf4Ratio(Nf4BlockMult(w, n * kb + b), w.recip[n]) : 0);
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
