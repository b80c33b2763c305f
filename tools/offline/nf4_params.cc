#include "tools/offline/nf4_params.h"

#include <algorithm>
#include <cmath>

namespace intformer {
namespace offline {

// bitsandbytes-foundation/bitsandbytes, bitsandbytes/functional.py, get_4bit_type("nf4")
// (QLoRA, Dettmers et al. 2023, appendix E): normal-quantile levels, 8 positive, 7 negative, 0.
const float kNf4Table[16] = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f,
};

const std::vector<double>& DynamicMap() {
  // create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8): for exponent i = 0..6,
  // 2^i midpoints of linspace(0.1, 1, 2^i + 1) scaled by 10^(i - 6), both signs; plus 0 and 1.
  static const std::vector<double> map = [] {
    std::vector<double> v;
    for (int i = 0; i < 7; ++i) {
      const int items = (1 << i) + 1;
      for (int j = 0; j + 1 < items; ++j) {
        const double lo = 0.1 + 0.9 * j / (items - 1), hi = 0.1 + 0.9 * (j + 1) / (items - 1);
        const double m = std::pow(10.0, i - 6) * (lo + hi) / 2;
        v.push_back(m);
        v.push_back(-m);
      }
    }
    v.push_back(0.0);
    v.push_back(1.0);
    std::sort(v.begin(), v.end());
    return v;
  }();
  return map;
}

namespace {

// Index of the value of `sorted` nearest to x; ties to the lower index.
size_t Nearest(const std::vector<double>& sorted, double x) {
  const size_t hi = std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin();
  if (hi == 0) return 0;
  if (hi == sorted.size()) return hi - 1;
  return x - sorted[hi - 1] <= sorted[hi] - x ? hi - 1 : hi;
}

}  // namespace

double Nf4Quantized::DequantAbsmax(size_t i) const {
  return DynamicMap()[absmax_q[i]] * absmax2[i / kNf4Group] + offset;
}

double Nf4Quantized::Dequant(size_t row, size_t col) const {
  return kNf4Table[code[row * k + col]] * DequantAbsmax(row * (k / kNf4Block) + col / kNf4Block);
}

Nf4Matrix Nf4Quantized::View() const {
  Nf4Matrix m;
  m.n = n;
  m.k = k;
  m.codes = packed.data();
  m.absmax_q = absmax_q.data();
  m.absmax2 = g.data();
  m.offset = offset_int;
  m.dq_code = dq_code.data();
  m.recip = recip.empty() ? nullptr : recip.data();
  return m;
}

std::vector<uint8_t> PackNf4Codes(const uint8_t* code, size_t n, size_t k) {
  std::vector<uint8_t> out(Nf4CodesBytes(n, k), kNf4ZeroCode * 0x11);
  for (size_t r = 0; r < n; ++r) {
    const size_t p = r / kNf4Panel, c = r % kNf4Panel;
    for (size_t col = 0; col < k; ++col) {
      uint8_t& byte = out[p * kNf4Panel * k / 2 + (col / 8) * 64 + 4 * c + col % 4];
      const uint8_t v = code[r * k + col];
      byte = (col % 8) < 4 ? uint8_t((byte & 0xf0) | v) : uint8_t((byte & 0x0f) | (v << 4));
    }
  }
  return out;
}

bool QuantizeNf4(const float* w, size_t n, size_t k, Nf4Quantized* out, std::string* why) {
  if (n == 0 || k == 0 || k % kNf4Block != 0 || k > kGemmMaxK) {
    if (why) *why = "NF4 needs K a positive multiple of 64 (<= 65536)";
    return false;
  }
  for (size_t i = 0; i < n * k; ++i) {
    if (!std::isfinite(w[i])) {
      if (why) *why = "non-finite weight";
      return false;
    }
  }
  Nf4Quantized& q = *out;
  q.n = n;
  q.k = k;
  const size_t blocks = Nf4Blocks(n, k), groups = Nf4Groups(n, k);
  // First level: absmax per block, codes by the NF4 midpoints (x > midpoint -> upper code).
  std::vector<double> table(kNf4Table, kNf4Table + 16);
  q.code.assign(n * k, kNf4ZeroCode);
  q.absmax.assign(blocks, 0.0);
  for (size_t b = 0; b < blocks; ++b) {
    const float* x = w + b * kNf4Block;
    double am = 0;
    for (size_t i = 0; i < kNf4Block; ++i) am = std::max(am, std::fabs(double{x[i]}));
    q.absmax[b] = am;
    if (am == 0) continue;
    for (size_t i = 0; i < kNf4Block; ++i) {
      q.code[b * kNf4Block + i] = static_cast<uint8_t>(Nearest(table, x[i] / am));
    }
  }
  // Double quantization: subtract the mean, 8-bit blockwise (256) with the dynamic map.
  double sum = 0;
  for (double a : q.absmax) sum += a;
  q.offset = sum / blocks;
  q.absmax2.assign(groups, 0.0);
  q.absmax_q.assign(blocks, 0);
  const std::vector<double>& dyn = DynamicMap();
  for (size_t g = 0; g < groups; ++g) {
    const size_t b0 = g * kNf4Group, b1 = std::min(blocks, b0 + kNf4Group);
    double am2 = 0;
    for (size_t b = b0; b < b1; ++b) am2 = std::max(am2, std::fabs(q.absmax[b] - q.offset));
    q.absmax2[g] = am2;
    for (size_t b = b0; b < b1; ++b) {
      q.absmax_q[b] = static_cast<uint8_t>(
          am2 > 0 ? Nearest(dyn, (q.absmax[b] - q.offset) / am2) : Nearest(dyn, 0.0));
    }
  }
  // Integer form. U leaves a little headroom; grown until every multiplier fits (the integer
  // rounding can push the largest one a unit past kNf4MaxMult).
  double max_dq = 0;
  for (size_t b = 0; b < blocks; ++b) max_dq = std::max(max_dq, std::fabs(q.DequantAbsmax(b)));
  if (max_dq == 0) max_dq = 1;
  q.dq_code.resize(256);
  for (size_t i = 0; i < 256; ++i) q.dq_code[i] = static_cast<int32_t>(std::lround(dyn[i] * 1073741824.0));
  q.unit = max_dq / (kNf4MaxMult - 2);
  q.packed = PackNf4Codes(q.code.data(), n, k);
  for (int attempt = 0; attempt < 64; ++attempt, q.unit *= 1.001) {
    q.g.resize(groups);
    bool ok = true;
    for (size_t g = 0; g < groups; ++g) {
      const double v = std::nearbyint(q.absmax2[g] / q.unit * 32768.0);
      ok = ok && v < 1073741824.0;
      q.g[g] = ok ? static_cast<int32_t>(v) : 0;
    }
    q.offset_int = static_cast<int32_t>(std::lround(q.offset / q.unit));
    q.recip.assign(n, 0);
    if (ok) Nf4ChannelRecips(q.View(), q.recip.data());
    const char* reason = nullptr;
    if (ok && Nf4MatrixValid(q.View(), &reason)) return true;
  }
  if (why) *why = "no unit U keeps every NF4 block multiplier within 32767";
  return false;
}

}  // namespace offline
}  // namespace intformer
