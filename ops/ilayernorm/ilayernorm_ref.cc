// Normative i-LayerNorm (ilayernorm.h), plus the per-row constants every variant shares.
#include "ops/ilayernorm/ilayernorm.h"

namespace intformer {

bool ILayerNormParamsValid(const ILayerNormParams& p, const char** why) {
  const char* reason = nullptr;
  if (p.channels < 1 || p.channels > kILayerNormMaxChannels) {
    reason = "channels outside [1, 65536]";
  } else if (p.gamma == nullptr || p.bias == nullptr) {
    reason = "gamma or bias missing";
  } else if (p.out_shift < 16 || p.out_shift > 45) {
    reason = "out_shift outside [16, 45]";
  } else if (p.eps < 0 || p.eps > (int64_t{1} << 62)) {
    reason = "eps outside [0, 2^62]";
  } else {
    for (size_t c = 0; c < p.channels && reason == nullptr; ++c) {
      if (p.gamma[c] < -(1 << 15) || p.gamma[c] > (1 << 15)) reason = "|gamma| > 2^15";
      if (p.bias[c] < -(1 << 29) || p.bias[c] > (1 << 29)) reason = "|bias| > 2^29";
    }
  }
  if (why != nullptr) *why = reason;
  return reason == nullptr;
}

int32_t ILayerNormPreShift(int64_t sum, int32_t xmin, int32_t xmax, size_t channels) {
  const int64_t c = static_cast<int64_t>(channels);
  const int64_t hi = c * xmax - sum;  // both >= 0: sum lies in [C*min, C*max]
  const int64_t lo = sum - c * xmin;
  const uint64_t w = static_cast<uint64_t>(hi > lo ? hi : lo);
  const uint64_t bmax = IsqrtU64((uint64_t{1} << 62) / channels);
  int32_t k = 0;
  // ceil(W / 2^k) bounds |floor(w / 2^k)| for every |w| <= W.
  while (((w + (uint64_t{1} << k) - 1) >> k) > bmax) ++k;
  return k;
}

Dyadic ILayerNormRsqrt(uint64_t sum_u2, int32_t k, int64_t eps) {
  const uint64_t q = sum_u2 + (2 * k < 63 ? static_cast<uint64_t>(eps) >> (2 * k) : 0);
  if (q == 0) return Dyadic{0, 31};  // all u = 0: n = 0 whatever R is
  const int len = BitLengthU64(q);
  const int j = len < 62 ? (62 - len) / 2 : 0;
  const uint64_t s = IsqrtU64(q << (2 * j));  // [2^30, 2^31.5)
  const uint64_t r = ((uint64_t{1} << 60) + s / 2) / s;  // (2^28, 2^30]
  return Dyadic{static_cast<int32_t>(r), 31 - j};
}

void ILayerNormRef(const int32_t* src, int8_t* dst, size_t rows, const ILayerNormParams& p) {
  const size_t ch = p.channels;
  const int64_t c = static_cast<int64_t>(ch);
  for (size_t row = 0; row < rows; ++row, src += ch, dst += ch) {
    int64_t sum = 0;
    int32_t xmin = src[0], xmax = src[0];
    for (size_t i = 0; i < ch; ++i) {
      sum += src[i];
      xmin = src[i] < xmin ? src[i] : xmin;
      xmax = src[i] > xmax ? src[i] : xmax;
    }
    const int32_t k = ILayerNormPreShift(sum, xmin, xmax, ch);
    uint64_t sum_u2 = 0;
    for (size_t i = 0; i < ch; ++i) {
      const int64_t u = (c * src[i] - sum) >> k;
      sum_u2 += static_cast<uint64_t>(u * u);
    }
    const Dyadic rsq = ILayerNormRsqrt(sum_u2, k, p.eps);
    for (size_t i = 0; i < ch; ++i) {
      const int32_t u = static_cast<int32_t>((c * src[i] - sum) >> k);
      const int32_t n = static_cast<int32_t>(RequantRaw(u, rsq));
      dst[i] = ILayerNormAffine(n, p.gamma[i], p.bias[i], p.out_shift);
    }
  }
}

}  // namespace intformer
