// Declarations of the per-ISA residual-add variants (internal; see add.h for the contract).
#ifndef INTFORMER_OPS_ADD_ADD_VARIANTS_H_
#define INTFORMER_OPS_ADD_ADD_VARIANTS_H_

#include "ops/add/add.h"

namespace intformer {

void AddS32S8Avx2(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p);
void AddS32S8Avx512(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p);
void AddS32S8Neon(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ADD_ADD_VARIANTS_H_
