// Declarations of the per-ISA i-LayerNorm variants (internal; see ilayernorm.h for the contract).
#ifndef INTFORMER_OPS_ILAYERNORM_ILAYERNORM_VARIANTS_H_
#define INTFORMER_OPS_ILAYERNORM_ILAYERNORM_VARIANTS_H_

#include "ops/ilayernorm/ilayernorm.h"

namespace intformer {

void ILayerNormAvx2(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p);
void ILayerNormAvx512(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p);
void ILayerNormNeon(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ILAYERNORM_ILAYERNORM_VARIANTS_H_
