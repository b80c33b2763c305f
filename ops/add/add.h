// add: the residual add of the encoder, int32 + int8 -> int32 at one common scale.
//
//   dst[i] = SatAdd(Sat32(Requant(a[i], da)), Sat32(Requant(b[i], db)))
//
// a is a GEMM output already requantized to an int32 at scale S_a (attention output or FFN
// down-projection), b the int8 residual (the previous i-LayerNorm's output) at S_b, dst the sum
// at the common scale S_c that i-LayerNorm then reads. da ~= S_a / S_c and db ~= S_b / S_c are
// dyadics (the one requant rule, ops/requant/requant.h); SatAdd is the int32 saturating sum.
//
// Why each term saturates before the sum: the SIMD variants keep both terms in int32 lanes.
// It equals the single saturation Sat32(Ra + Rb) whenever both terms fit int32, which the offline
// helper (tools/offline/add_params.h) guarantees for b (r_b <= 2^23, so |Rb| <= 2^30) and for a
// whenever |a| * r_a < 2^31 (always when S_c = S_a, as the encoder chooses it).
//
// An int8 + int8 -> int32 form is left out on purpose: the encoder never adds two int8 tensors
// (the embedding sum has its own op, ops/embedding).
#ifndef INTFORMER_OPS_ADD_ADD_H_
#define INTFORMER_OPS_ADD_ADD_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

struct AddParams {
  Dyadic a_scale = kDyadicOne;  // da
  Dyadic b_scale = kDyadicOne;  // db
};

// The normative value of one element.
inline int32_t AddOne(int32_t a, int8_t b, const AddParams& p) {
  const int64_t ra = SaturateS32(RequantRaw(a, p.a_scale));
  const int64_t rb = SaturateS32(RequantRaw(b, p.b_scale));
  return SaturateS32(ra + rb);
}

struct AddKernel {
  const char* name;
  Isa isa;
  void (*s32_s8)(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p);
};

extern const AddKernel kAddKernels[];
extern const size_t kAddKernelCount;
const AddKernel& GetAddKernel();

void AddS32S8Ref(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p);

}  // namespace intformer

#endif  // INTFORMER_OPS_ADD_ADD_H_
