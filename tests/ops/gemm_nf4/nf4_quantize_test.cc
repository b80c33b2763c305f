// The offline NF4 quantizer against a straightforward double-precision QLoRA written here from
// the paper and bitsandbytes (functional.py: get_4bit_type, create_dynamic_map, quantize_4bit
// with compress_statistics, quantize_blockwise): codes, first-level absmax, the mean offset,
// second-level absmax and 8-bit codes, dequantized weights; then the integer multipliers
// against the dequantized absmax, the bits per parameter, and the BERT-base file size ratio.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ops/gemm_s8/gemm_s8.h"
#include "tests/ops/gemm_nf4/gemm_nf4_test_util.h"

namespace intformer {
namespace {

// QLoRA's NF4 values as bitsandbytes lists them.
const double kNf4[16] = {-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                         -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                         0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                         0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                         0.7229568362236023, 1.0};

// create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8), written out directly.
std::vector<double> DynamicMapDouble() {
  std::vector<double> data;
  for (int i = 0; i < 7; ++i) {
    const int fraction_items = (1 << i) + 1;
    std::vector<double> bounds(fraction_items);
    for (int j = 0; j < fraction_items; ++j) bounds[j] = 0.1 + (1.0 - 0.1) * j / (fraction_items - 1);
    for (int j = 0; j + 1 < fraction_items; ++j) {
      const double mean = (bounds[j] + bounds[j + 1]) / 2.0;
      data.push_back(std::pow(10.0, -6 + i) * mean);
      data.push_back(-std::pow(10.0, -6 + i) * mean);
    }
  }
  data.push_back(0);
  data.push_back(1.0);
  std::sort(data.begin(), data.end());
  return data;
}

// argmin |x - v|, first index on ties.
size_t ArgMin(const double* v, size_t count, double x) {
  size_t best = 0;
  for (size_t i = 1; i < count; ++i) {
    if (std::fabs(x - v[i]) < std::fabs(x - v[best])) best = i;
  }
  return best;
}

TEST(Nf4Quantize, MatchesDoubleQlora) {
  test::Rng rng(11);
  INTFORMER_SEED_TRACE(rng);
  const size_t n = 96, k = 448;  // 672 blocks: three groups, the last one partial
  const std::vector<float> w = test::GaussianWeights(rng, n, k);
  offline::Nf4Quantized q;
  std::string why;
  ASSERT_TRUE(offline::QuantizeNf4(w.data(), n, k, &q, &why)) << why;
  const std::vector<double> dyn = DynamicMapDouble();
  ASSERT_EQ(dyn.size(), 256u);
  for (size_t i = 0; i < 256; ++i) ASSERT_NEAR(offline::DynamicMap()[i], dyn[i], 1e-15);

  const size_t blocks = n * k / 64;
  std::vector<double> absmax(blocks);
  double sum = 0;
  for (size_t b = 0; b < blocks; ++b) {
    double am = 0;
    for (size_t i = 0; i < 64; ++i) am = std::max(am, std::fabs(double(w[b * 64 + i])));
    absmax[b] = am;
    sum += am;
    ASSERT_EQ(q.absmax[b], am);
    for (size_t i = 0; i < 64; ++i) {
      const size_t want = am > 0 ? ArgMin(kNf4, 16, w[b * 64 + i] / am) : 7;
      ASSERT_EQ(q.code[b * 64 + i], want) << "block " << b << " element " << i;
    }
  }
  const double offset = sum / blocks;
  ASSERT_NEAR(q.offset, offset, 1e-15);
  double max_w_err = 0, max_mult_err = 0;
  for (size_t g = 0; g * 256 < blocks; ++g) {
    double am2 = 0;
    for (size_t b = g * 256; b < std::min(blocks, g * 256 + 256); ++b) {
      am2 = std::max(am2, std::fabs(absmax[b] - offset));
    }
    ASSERT_NEAR(q.absmax2[g], am2, 1e-15);
    for (size_t b = g * 256; b < std::min(blocks, g * 256 + 256); ++b) {
      const size_t code = ArgMin(dyn.data(), 256, (absmax[b] - offset) / am2);
      ASSERT_EQ(q.absmax_q[b], code) << "block " << b;
      const double dq_absmax = dyn[code] * am2 + offset;
      ASSERT_NEAR(q.DequantAbsmax(b), dq_absmax, 1e-15);
      // The integer multiplier gemm_nf4 derives from the stored integers, against it.
      const Nf4Matrix view = q.View();
      max_mult_err = std::max(max_mult_err,
                              std::fabs(double(Nf4BlockMult(view, b)) - dq_absmax / q.unit));
      for (size_t i = 0; i < 64; ++i) {
        const size_t e = b * 64 + i;
        const double want = kNf4[q.code[e]] * dq_absmax;
        ASSERT_NEAR(q.Dequant(e / k, e % k), want, 1e-15);
        max_w_err = std::max(max_w_err, std::fabs(want - w[e]));
      }
    }
  }
  EXPECT_LE(max_mult_err, 1.5);
  // The channel reciprocals the converter's per-channel scales use: gemm_nf4's R(n).
  std::vector<int32_t> recip(n);
  Nf4ChannelRecips(q.View(), recip.data());
  EXPECT_EQ(q.recip, recip);
  std::printf("NF4 quantize: max |W - QLoRA dequant| = %.4g, integer multiplier vs dequantized "
              "absmax / U: max %.3f units (U = %.3g)\n", max_w_err, max_mult_err, q.unit);
  // Packing round trip.
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < k; ++c) ASSERT_EQ(Nf4Code(q.packed.data(), k, r, c), q.code[r * k + c]);
  }
}

// QLoRA's storage per quantized matrix entry: 4 + 8/64 + 32/(64*256) bits.
double Nf4Bits(size_t n, size_t k) {
  return 8.0 * (Nf4CodesBytes(n, k) + Nf4Blocks(n, k) + 4.0 * Nf4Groups(n, k)) / double(n * k);
}

TEST(Nf4Quantize, BitsPerParameter) {
  const double bits = Nf4Bits(3072, 768);
  std::printf("NF4 bits per parameter (3072 x 768): %.4f (QLoRA: 4 + 8/64 + 32/16384 = %.4f)\n",
              bits, 4 + 8.0 / 64 + 32.0 / 16384);
  EXPECT_NEAR(bits, 4 + 8.0 / 64 + 32.0 / 16384, 1e-3);
}

// Model file bytes of BERT-base (H 768, I 3072, 12 layers, vocab 30522, 512 positions, 2 types,
// 2 labels) from the tensors' sizes as the converter writes them (blobs 64-byte aligned):
// INT8 (gemm_s8 ref layout: bias + weights) vs every matrix and the word table in NF4.
TEST(Nf4Quantize, BertBaseFileAtMost055OfInt8) {
  const size_t H = 768, I = 3072, L = 12, V = 30522, P = 512, T = 2, C = 2;
  auto blob = [](size_t bytes) { return (bytes + 63) / 64 * 64; };
  const GemmKernel& ref = kGemmKernels[kGemmKernelCount - 1];
  auto int8_linear = [&](size_t n, size_t k) { return blob(ref.packed_size(n, k)) + blob(8 * n); };
  auto nf4_linear = [&](size_t n, size_t k) {
    return blob(Nf4CodesBytes(n, k)) + blob(Nf4Blocks(n, k)) + blob(4 * Nf4Groups(n, k)) +
           blob(4 * n) + blob(8 * n);
  };
  auto nf4_table = [&](size_t n, size_t k) {
    return blob(Nf4CodesBytes(n, k)) + blob(Nf4Blocks(n, k)) + blob(4 * Nf4Groups(n, k));
  };
  const size_t shared = blob(P * H) + blob(T * H) + 2 * blob(4 * H) + L * 4 * blob(4 * H) + 256;
  size_t int8 = blob(V * H) + shared, nf4 = nf4_table(V, H) + shared;
  const size_t shapes[4][2] = {{3 * H, H}, {H, H}, {I, H}, {H, I}};
  for (size_t l = 0; l < L; ++l) {
    for (const auto& s : shapes) {
      int8 += int8_linear(s[0], s[1]);
      nf4 += nf4_linear(s[0], s[1]);
    }
  }
  int8 += int8_linear(H, H) + int8_linear(C, H);
  nf4 += nf4_linear(H, H) + int8_linear(C, H);  // 2 x 768 classifier: NF4 saves nothing there
  const double ratio = double(nf4) / double(int8);
  std::printf("BERT-base tensor bytes: INT8 %zu, NF4 %zu (ratio %.4f)\n", int8, nf4, ratio);
  RecordProperty("bert_base_nf4_over_int8", std::to_string(ratio));
  EXPECT_LE(ratio, 0.55);
}

}  // namespace
}  // namespace intformer
