// lut: a 256-entry int8 -> int8 table lookup (TFLite style), dst[i] = table[uint8(src[i])].
//
// Used for the pooler's tanh (and any other elementwise function of an int8 input): the table
// is built offline from the float function, the input scale and the output scale
// (tools/offline/lut_params.h), so each entry is the correctly rounded result and the lookup
// itself is exact: no error beyond the table's own 1/2 output unit.
//
// Variants: ref only, on purpose. The pooler applies it to `hidden` values per sentence (768 for
// BERT-base), next to ~10^8 multiply-adds of the encoder; a 256-entry byte shuffle is not
// portable in xsimd (it needs AVX-512 VBMI vpermi2b x2, or 16 AVX2 pshufb + blends, or NEON
// vqtbl4q x4), so an intrinsics variant would add three code paths for no measurable gain. The
// kernel table still exists so a variant can be added without touching callers or tests.
#ifndef INTFORMER_OPS_LUT_LUT_H_
#define INTFORMER_OPS_LUT_LUT_H_

#include <cstddef>
#include <cstdint>

#include "runtime/cpu.h"

namespace intformer {

// table[uint8(q)] is the output for input q in [-128, 127] (two's complement index order).
struct LutKernel {
  const char* name;
  Isa isa;
  void (*s8)(const int8_t* src, int8_t* dst, size_t n, const int8_t* table);
};

extern const LutKernel kLutKernels[];
extern const size_t kLutKernelCount;
const LutKernel& GetLutKernel();

void LutS8Ref(const int8_t* src, int8_t* dst, size_t n, const int8_t* table);

}  // namespace intformer

#endif  // INTFORMER_OPS_LUT_LUT_H_
