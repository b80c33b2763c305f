#include "tools/convert/quantize_nf4.h"

#include <cmath>
#include <utility>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "tools/convert/quantize.h"
#include "tools/offline/nf4_params.h"

namespace intformer {
namespace quant {

Status AddNf4Tensor(const std::string& key, const float* w, size_t n, size_t k, ModelWriter* out,
                    double* unit, std::vector<int32_t>* recip) {
  offline::Nf4Quantized q;
  std::string why;
  if (!offline::QuantizeNf4(w, n, k, &q, &why)) {
    return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, key + ": NF4: " + why);
  }
  using format::DType;
  const uint64_t padded = Nf4Panels(n) * kNf4Panel;
  INTFORMER_RETURN_IF_ERROR(out->AddTensor(key + ".nf4.codes", DType::kU8, {padded, k / 2}, 0,
                                           q.packed.data(), q.packed.size()));
  INTFORMER_RETURN_IF_ERROR(out->AddTensor(key + ".nf4.absmax_q", DType::kU8,
                                           {n, k / kNf4Block}, 0, q.absmax_q.data(),
                                           q.absmax_q.size()));
  INTFORMER_RETURN_IF_ERROR(out->AddTensor(key + ".nf4.absmax2", DType::kS32, {q.g.size()}, 0,
                                           q.g.data(), 4 * q.g.size()));
  INTFORMER_RETURN_IF_ERROR(out->AddI32(key + ".nf4.offset", q.offset_int));
  *unit = q.unit;
  if (recip != nullptr) *recip = std::move(q.recip);
  return Status::Ok();
}

Status AddNf4Linear(const std::string& key, const float* w, const float* b, size_t n, size_t k,
                    double s_in, const std::vector<double>& s_out, ModelWriter* out) {
  double unit = 0;
  std::vector<int32_t> recip;
  INTFORMER_RETURN_IF_ERROR(AddNf4Tensor(key, w, n, k, out, &unit, &recip));
  // gemm_nf4's accumulator of channel r is sum A * W8 with W ~= W8 * S_w(r): its real scale is
  // s_in * S_w(r), one per channel (R >= 2^25 / 32767, never 0).
  std::vector<int32_t> bias(n, 0), scale(2 * n);
  for (size_t r = 0; r < n; ++r) {
    const double acc_scale = s_in * unit * std::ldexp(1.0, 25) / (127.0 * recip[r]);
    if (b != nullptr) {
      const double qb = std::nearbyint(b[r] / acc_scale);
      if (std::fabs(qb) > kGemmMaxBias) {
        return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                       "%s: bias[%zu] = %g is %.3g accumulator units, beyond gemm_nf4's 2^30",
                       key.c_str(), r, double{b[r]}, qb);
      }
      bias[r] = static_cast<int32_t>(qb);
    }
    const double so = s_out.size() == 1 ? s_out[0] : s_out[r];
    INTFORMER_RETURN_IF_ERROR(
        DyadicPair(key + " channel " + std::to_string(r), acc_scale / so, &scale[2 * r]));
  }
  INTFORMER_RETURN_IF_ERROR(
      out->AddTensor(key + ".bias", format::DType::kS32, {n}, 0, bias.data(), 4 * n));
  return out->AddTensor(key + ".scale", format::DType::kS32, {n, 2}, 0, scale.data(), 8 * n);
}

}  // namespace quant
}  // namespace intformer
