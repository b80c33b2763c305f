#include "tools/reference/float_ops.h"

#include <algorithm>
#include <cmath>

namespace intformer {
namespace reference {

void LinearForward(const Linear& lin, const float* src, int rows, float* dst) {
  const int in = lin.in, out = lin.out;
  // Four rows share each pass over a weight row: W is streamed rows/4 times instead of rows.
  int t = 0;
  for (; t + 4 <= rows; t += 4) {
    float* y0 = dst + static_cast<size_t>(t) * out;
    float* y1 = y0 + out;
    float* y2 = y1 + out;
    float* y3 = y2 + out;
    for (int o = 0; o < out; ++o) y0[o] = y1[o] = y2[o] = y3[o] = lin.b[o];
    const float* x0 = src + static_cast<size_t>(t) * in;
    for (int k = 0; k < in; ++k) {
      const float a0 = x0[k], a1 = x0[in + k], a2 = x0[2 * in + k], a3 = x0[3 * in + k];
      const float* w = lin.wt.data() + static_cast<size_t>(k) * out;
      for (int o = 0; o < out; ++o) {
        y0[o] += a0 * w[o];
        y1[o] += a1 * w[o];
        y2[o] += a2 * w[o];
        y3[o] += a3 * w[o];
      }
    }
  }
  for (; t < rows; ++t) {
    float* y = dst + static_cast<size_t>(t) * out;
    const float* x = src + static_cast<size_t>(t) * in;
    std::copy(lin.b.begin(), lin.b.end(), y);
    for (int k = 0; k < in; ++k) {
      const float a = x[k];
      const float* w = lin.wt.data() + static_cast<size_t>(k) * out;
      for (int o = 0; o < out; ++o) y[o] += a * w[o];
    }
  }
}

void LayerNormForward(const LayerNormW& ln, double eps, const float* src, int rows, int cols,
                      float* dst) {
  for (int r = 0; r < rows; ++r) {
    const float* x = src + static_cast<size_t>(r) * cols;
    float* y = dst + static_cast<size_t>(r) * cols;
    double sum = 0;
    for (int c = 0; c < cols; ++c) sum += x[c];
    const double mean = sum / cols;
    double var = 0;
    for (int c = 0; c < cols; ++c) var += (x[c] - mean) * (x[c] - mean);
    const double rstd = 1.0 / std::sqrt(var / cols + eps);
    for (int c = 0; c < cols; ++c) {
      y[c] = static_cast<float>((x[c] - mean) * rstd) * ln.gamma[c] + ln.beta[c];
    }
  }
}

void GeluErf(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.70710678118654752f));
  }
}

void SoftmaxRow(float* row, int n) {
  float mx = row[0];
  for (int i = 1; i < n; ++i) mx = std::max(mx, row[i]);
  float sum = 0;
  for (int i = 0; i < n; ++i) {
    row[i] = std::exp(row[i] - mx);
    sum += row[i];
  }
  const float inv = 1.0f / sum;
  for (int i = 0; i < n; ++i) row[i] *= inv;
}

}  // namespace reference
}  // namespace intformer
