// Declarations of the per-ISA requant variants (internal; see requant.h for the contract).
#ifndef INTFORMER_OPS_REQUANT_REQUANT_VARIANTS_H_
#define INTFORMER_OPS_REQUANT_REQUANT_VARIANTS_H_

#include "ops/requant/requant.h"

namespace intformer {

void RequantS32ToS8Avx2(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS32Avx2(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS8Avx512(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS32Avx512(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS8Neon(const int32_t* src, int8_t* dst, size_t n, const RequantParams& p);
void RequantS32ToS32Neon(const int32_t* src, int32_t* dst, size_t n, const RequantParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_REQUANT_REQUANT_VARIANTS_H_
