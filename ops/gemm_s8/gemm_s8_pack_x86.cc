// Pack functions of the x86 gemm_s8 layouts (kPackAvx2, kPackAvx512Vnni; each layout is
// described in its kernel's file). Plain C++ compiled on every build, ARM included, so a
// converter on any host can pack for these targets (kGemmPackers); the kernels that read the
// layouts stay in gemm_s8_avx2.cc / gemm_s8_avx512vnni.cc under their ISA flags.
#include <cstring>

#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {

size_t GemmPackedSizeAvx2(size_t n, size_t k) {
  return (n + kAvx2Nr - 1) / kAvx2Nr * GemmPanelBytesAvx2(k);
}

void GemmPackAvx2(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed) {
  std::memset(packed, 0, GemmPackedSizeAvx2(n, k));
  int8_t* panel = static_cast<int8_t*>(packed);
  for (size_t p0 = 0; p0 < n; p0 += kAvx2Nr, panel += GemmPanelBytesAvx2(k)) {
    int32_t* pbias = reinterpret_cast<int32_t*>(panel);
    int8_t* pairs = panel + kAvx2Nr * 4;
    for (size_t c = 0; c < kAvx2Nr && p0 + c < n; ++c) {
      pbias[c] = bias != nullptr ? bias[p0 + c] : 0;
      for (size_t kk = 0; kk < k; ++kk) {
        pairs[(kk / 2) * kAvx2Nr * 2 + c * 2 + kk % 2] = GemmLoadB(b, ldb, layout, p0 + c, kk);
      }
    }
  }
}

size_t GemmPackedSizeAvx512Vnni(size_t n, size_t k) {
  return (n + kAvx512VnniNr - 1) / kAvx512VnniNr * GemmPanelBytesAvx512Vnni(k);
}

void GemmPackAvx512Vnni(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                        const int32_t* bias, void* packed) {
  // Runs at inference time for the attention heads (K and V are activations), so each layout
  // has a loop that reads B in its own row order: whole 4-byte groups of a channel row (kNK),
  // or one K row across the panel's channels (kKN).
  constexpr size_t kNr = kAvx512VnniNr;
  std::memset(packed, 0, GemmPackedSizeAvx512Vnni(n, k));
  int8_t* panel = static_cast<int8_t*>(packed);
  const size_t full = k / 4 * 4;
  for (size_t p0 = 0; p0 < n; p0 += kNr, panel += GemmPanelBytesAvx512Vnni(k)) {
    int32_t* pbias = reinterpret_cast<int32_t*>(panel);
    int8_t* groups = panel + kNr * 4;
    const size_t cols = n - p0 < kNr ? n - p0 : kNr;
    int32_t sum[kNr] = {};  // |sum| <= 128 * 2^16: no overflow
    if (layout == BLayout::kNK) {
      for (size_t c = 0; c < cols; ++c) {
        const int8_t* row = b + (p0 + c) * ldb;
        int32_t s = 0;
        for (size_t kk = 0; kk < k; ++kk) s += row[kk];
        sum[c] = s;
        int8_t* dst = groups + c * 4;
        for (size_t kk = 0; kk < full; kk += 4, dst += kNr * 4) std::memcpy(dst, row + kk, 4);
        for (size_t kk = full; kk < k; ++kk) dst[kk - full] = row[kk];
      }
    } else {
      // Four K rows at a time: each channel's 4-byte group is written whole (the byte-by-byte
      // form, one strided store per value, was 4 % of a BERT-base pass in the attention's V).
      for (size_t kk = 0; kk < full; kk += 4) {
        const int8_t* r0 = b + kk * ldb + p0;
        const int8_t* r1 = r0 + ldb;
        const int8_t* r2 = r1 + ldb;
        const int8_t* r3 = r2 + ldb;
        uint8_t* dst = reinterpret_cast<uint8_t*>(groups + (kk / 4) * kNr * 4);
        for (size_t c = 0; c < cols; ++c) {
          const uint32_t v = uint32_t{static_cast<uint8_t>(r0[c])} |
                             uint32_t{static_cast<uint8_t>(r1[c])} << 8 |
                             uint32_t{static_cast<uint8_t>(r2[c])} << 16 |
                             uint32_t{static_cast<uint8_t>(r3[c])} << 24;
          std::memcpy(dst + 4 * c, &v, 4);
          sum[c] += int32_t{r0[c]} + r1[c] + r2[c] + r3[c];
        }
      }
      for (size_t kk = full; kk < k; ++kk) {
        const int8_t* row = b + kk * ldb + p0;
        int8_t* dst = groups + (kk / 4) * kNr * 4 + kk % 4;
        for (size_t c = 0; c < cols; ++c) {
          dst[c * 4] = row[c];
          sum[c] += row[c];
        }
      }
    }
    for (size_t c = 0; c < cols; ++c) {
      // bias - 128 * sum, wrapping (see the header comment).
      const int32_t comp = static_cast<int32_t>(static_cast<uint32_t>(sum[c]) * 0xffffff80u);
      pbias[c] = GemmWrapAdd(bias != nullptr ? bias[p0 + c] : 0, comp);
    }
  }
}

}  // namespace intformer
