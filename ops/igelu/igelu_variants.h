// Declarations of the per-ISA i-GELU variants (internal; see igelu.h for the contract).
#ifndef INTFORMER_OPS_IGELU_IGELU_VARIANTS_H_
#define INTFORMER_OPS_IGELU_IGELU_VARIANTS_H_

#include "ops/igelu/igelu.h"

namespace intformer {

void IGeluAvx2(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p);
void IGeluAvx512(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p);
void IGeluNeon(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_IGELU_IGELU_VARIANTS_H_
