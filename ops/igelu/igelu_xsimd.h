// i-GELU on xsimd batches: the formula of igelu.h lane by lane. The polynomial runs in int32
// lanes (the range analysis keeps d*d and w*E below 2^31, so plain 32-bit multiplies are exact);
// the three scale changes are RequantBatch, the one requant rule. Tails go through the scalar
// definition.
//
// Include only from a translation unit compiled for the architecture it instantiates.
#ifndef INTFORMER_OPS_IGELU_IGELU_XSIMD_H_
#define INTFORMER_OPS_IGELU_IGELU_XSIMD_H_

#include <xsimd/xsimd.hpp>

#include "ops/igelu/igelu.h"
#include "ops/requant/requant_xsimd.h"

namespace intformer {

template <class Arch>
void IGeluXsimd(const int32_t* src, int8_t* dst, size_t n, const IGeluParams& p) {
  using B = xsimd::batch<int32_t, Arch>;
  constexpr size_t kLanes = B::size;
  // Parameters copied to locals: the int8 stores may alias anything, and would otherwise make
  // the compiler reload every field of p on each batch.
  const Dyadic to_work = p.to_work, out_poly = p.out_poly, out_lin = p.out_lin;
  const int32_t clip_v = p.clip, norm_shift = p.norm_shift;
  const B clip(clip_v), c(p.c), one(p.one), rnd((1 << norm_shift) >> 1), zero(0);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const B q = B::load_unaligned(src + i);
    const B w = RequantBatch<Arch>(q, to_work, -clip_v, clip_v);
    const B d = clip - xsimd::abs(w);
    const B poly = (c - d * d + rnd) >> norm_shift;
    const B y = w * xsimd::select(w >= zero, one + poly, one - poly);
    const B curve = RequantBatch<Arch>(y, out_poly, -128, 127);
    // The linear branch costs a second requant per batch; skip it when no lane needs it.
    const auto lin_lanes = w == clip;
    B v = curve;
    if (xsimd::any(lin_lanes)) {
      v = xsimd::select(lin_lanes, RequantBatch<Arch>(q, out_lin, -128, 127), curve);
    }
    StoreS8<Arch>(v, dst + i);
  }
  for (; i < n; ++i) dst[i] = IGeluOne(src[i], p);
}

}  // namespace intformer

#endif  // INTFORMER_OPS_IGELU_IGELU_XSIMD_H_
