// Residual add on xsimd batches, bit-exact with add_ref.cc: each term through RequantBatch
// (clamped to int32, which is Sat32 of the exact term), b widened from int8 by xsimd's converting
// load, then xsimd's saturating int32 add. Include only from a TU compiled for Arch.
#ifndef INTFORMER_OPS_ADD_ADD_XSIMD_H_
#define INTFORMER_OPS_ADD_ADD_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include "ops/add/add.h"
#include "ops/requant/requant_xsimd.h"

namespace intformer {

template <class Arch>
void AddS32S8Xsimd(const int32_t* a, const int8_t* b, int32_t* dst, size_t n, const AddParams& p) {
  using B = xsimd::batch<int32_t, Arch>;
  constexpr size_t kLanes = B::size;
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const B ra = RequantBatch<Arch>(B::load_unaligned(a + i), p.a_scale, INT32_MIN, INT32_MAX);
    const B rb = RequantBatch<Arch>(B::load_unaligned(b + i), p.b_scale, INT32_MIN, INT32_MAX);
    xsimd::sadd(ra, rb).store_unaligned(dst + i);
  }
  for (; i < n; ++i) dst[i] = AddOne(a[i], b[i], p);
}

}  // namespace intformer

#endif  // INTFORMER_OPS_ADD_ADD_XSIMD_H_
