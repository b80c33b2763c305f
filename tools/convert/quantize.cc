#include "tools/convert/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tools/offline/quant_params.h"

namespace intformer {
namespace quant {

bool AlignedBytes::Allocate(size_t n) {
  const size_t rounded = (n + 63) / 64 * 64;
  data.reset(static_cast<uint8_t*>(std::aligned_alloc(64, rounded == 0 ? 64 : rounded)));
  if (data == nullptr) return false;
  std::memset(data.get(), 0, rounded == 0 ? 64 : rounded);
  size = n;
  return true;
}

double QuantizeTensorS8(const float* x, size_t count, std::vector<int8_t>* out) {
  double absmax = 0;
  for (size_t i = 0; i < count; ++i) absmax = std::max(absmax, std::fabs(double{x[i]}));
  const double scale = absmax > 0 ? absmax / 127.0 : 1.0;
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    const double q = std::nearbyint(x[i] / scale);
    (*out)[i] = static_cast<int8_t>(std::min(127.0, std::max(-127.0, q)));
  }
  return scale;
}

Status DyadicPair(const std::string& what, double real, int32_t pair[2]) {
  bool ok = false;
  const Dyadic d = offline::DyadicFromReal(real, &ok);
  // Below 2^-32 the dyadic loses mantissa bits: a scale that small means a broken range.
  if (!ok || real < std::ldexp(1.0, -32)) {
    return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                   "%s: the scale ratio %.6g has no 31-bit dyadic (range 2^-32 .. 2^30)",
                   what.c_str(), real);
  }
  pair[0] = d.mult;
  pair[1] = d.shift;
  return Status::Ok();
}

Status QuantizeLinear(const GemmPacker& packer, const std::string& name, const float* w,
                      const float* b, size_t n, size_t k, double s_in,
                      const std::vector<double>& s_out, QuantizedLinear* out) {
  if (k > kGemmMaxK) {
    return StatusF(INTFORMER_ERROR_UNSUPPORTED_MODEL, "%s: K = %zu exceeds gemm_s8's %zu",
                   name.c_str(), k, kGemmMaxK);
  }
  out->n = n;
  out->k = k;
  out->w_scale.assign(n, 1.0);
  out->scale.assign(2 * n, 0);
  std::vector<int8_t> q(n * k);
  std::vector<int32_t> bias(n, 0);
  for (size_t r = 0; r < n; ++r) {
    const float* row = w + r * k;
    double absmax = 0;
    for (size_t c = 0; c < k; ++c) absmax = std::max(absmax, std::fabs(double{row[c]}));
    const double sw = absmax > 0 ? absmax / 127.0 : 1.0;
    out->w_scale[r] = sw;
    for (size_t c = 0; c < k; ++c) {
      q[r * k + c] = static_cast<int8_t>(std::min(127.0, std::max(-127.0, std::nearbyint(row[c] / sw))));
    }
    const double acc_scale = s_in * sw;
    if (b != nullptr) {
      const double qb = std::nearbyint(b[r] / acc_scale);
      if (std::fabs(qb) > kGemmMaxBias) {
        return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                       "%s: bias[%zu] = %g is %.3g accumulator units, beyond gemm_s8's 2^30",
                       name.c_str(), r, double{b[r]}, qb);
      }
      bias[r] = static_cast<int32_t>(qb);
    }
    const double so = s_out.size() == 1 ? s_out[0] : s_out[r];
    INTFORMER_RETURN_IF_ERROR(
        DyadicPair(name + " channel " + std::to_string(r), acc_scale / so, &out->scale[2 * r]));
  }
  if (!out->packed.Allocate(packer.packed_size(n, k))) {
    return Status(INTFORMER_ERROR_OUT_OF_MEMORY, name + ": packing buffer");
  }
  packer.pack(q.data(), k, BLayout::kNK, n, k, bias.data(), out->packed.data.get());
  return Status::Ok();
}

}  // namespace quant
}  // namespace intformer
