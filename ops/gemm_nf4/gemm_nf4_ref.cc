// Normative gemm_nf4 (gemm_nf4.h): the scalar definition every variant matches bit for bit,
// plus the contract check and the embedding gather. Nothing here is tuned.
#include <algorithm>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_nf4/gemm_nf4_variants.h"

namespace intformer {

void Nf4ChannelRecips(const Nf4Matrix& w, int32_t* out) {
  const size_t kb = w.k / kNf4Block;
  for (size_t n = 0; n < w.n; ++n) {
    int64_t max_abs = 0;
    for (size_t b = 0; b < kb; ++b) {
      const int64_t m = Nf4BlockMult(w, n * kb + b);
      max_abs = std::max(max_abs, m < 0 ? -m : m);
    }
    out[n] = Nf4ChannelRecip(max_abs);
  }
}

void Nf4DecodeRow(const Nf4Matrix& w, size_t n, int8_t* dst) {
  const size_t kb = w.k / kNf4Block;
  for (size_t b = 0; b < kb; ++b) {
    const int32_t r = Nf4Ratio(Nf4BlockMult(w, n * kb + b), w.recip[n]);
    for (size_t kk = b * kNf4Block; kk < (b + 1) * kNf4Block; ++kk) {
      dst[kk] = static_cast<int8_t>(Nf4Level8(Nf4Code(w.codes, w.k, n, kk), r));
    }
  }
}

bool Nf4MatrixValid(const Nf4Matrix& w, const char** why) {
  auto fail = [why](const char* reason) {
    if (why != nullptr) *why = reason;
    return false;
  };
  if (w.n == 0 || w.k == 0 || w.k % kNf4Block != 0 || w.k > kGemmMaxK) {
    return fail("shape: n >= 1, k a positive multiple of 64 and <= 65536");
  }
  if (w.codes == nullptr || w.absmax_q == nullptr || w.absmax2 == nullptr || w.dq_code == nullptr ||
      w.recip == nullptr) {
    return fail("missing codes, block constants, dq_code or channel reciprocals");
  }
  for (size_t q = 0; q < 256; ++q) {
    if (w.dq_code[q] < -(1 << 30) || w.dq_code[q] > (1 << 30)) return fail("dq_code beyond 2^30");
  }
  for (size_t g = 0; g < Nf4Groups(w.n, w.k); ++g) {
    if (w.absmax2[g] < 0 || w.absmax2[g] >= (1 << 30)) return fail("absmax2 outside [0, 2^30)");
  }
  if (w.offset < -kNf4MaxOffset || w.offset > kNf4MaxOffset) return fail("offset beyond 32767");
  const size_t kb = w.k / kNf4Block;
  for (size_t n = 0; n < w.n; ++n) {
    int64_t max_abs = 0;
    for (size_t b = 0; b < kb; ++b) {
      const int64_t m = Nf4BlockMult(w, n * kb + b);
      if (m < -kNf4MaxMult || m > kNf4MaxMult) return fail("a block multiplier beyond 32767");
      max_abs = std::max(max_abs, m < 0 ? -m : m);
    }
    if (w.recip[n] != Nf4ChannelRecip(max_abs)) return fail("a channel reciprocal is not R(n)");
  }
  if (w.bias != nullptr) {
    for (size_t i = 0; i < w.n; ++i) {
      if (w.bias[i] < -kGemmMaxBias - 1 || w.bias[i] > kGemmMaxBias) return fail("bias beyond 2^30");
    }
  }
  return true;
}

void Nf4GemmRef(const Nf4GemmArgs& args) {
  const Nf4Matrix& w = *args.w;
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  std::vector<int8_t> w8(w.k);
  for (size_t n = args.n_begin; n < args.n_end; ++n) {
    Nf4DecodeRow(w, n, w8.data());
    const int32_t bias = w.bias != nullptr ? w.bias[n] : 0;
    for (size_t r = 0; r < args.m; ++r) {
      const int8_t* a_row = args.a + r * args.lda;
      // int64 only to state the bound once: every partial sum is below 2^31 in magnitude
      // (gemm_nf4.h), so int32 arithmetic would give the same bits.
      int64_t acc = bias;
      for (size_t kk = 0; kk < w.k; ++kk) acc += int32_t{a_row[kk]} * w8[kk];
      const int32_t v = static_cast<int32_t>(acc);
      GemmEpilogueScalar(*args.epilogue, &v, 1, n,
                         static_cast<char*>(args.c) + r * args.ldc * out_size);
    }
  }
}

// dst[k] = L[Nf4Code(row, k)] * mult(row, k / 64), walking the panel layout directly: the row's
// 8 codes of k = 8g..8g+7 are the 4 bytes at g * 64 + 4 * (row % 16) of its panel, low nibbles
// first (Nf4Code).
void Nf4GatherRow(const Nf4Matrix& w, size_t row, int32_t* dst) {
  const size_t kb = w.k / kNf4Block;
  const uint8_t* q = w.codes + (row / kNf4Panel) * kNf4Panel * w.k / 2 + 4 * (row % kNf4Panel);
  for (size_t b = 0; b < kb; ++b) {
    const int32_t m = static_cast<int32_t>(Nf4BlockMult(w, row * kb + b));
    for (size_t g = 0; g < kNf4Block / 8; ++g, q += 64, dst += 8) {
      for (size_t i = 0; i < 4; ++i) {
        dst[i] = kNf4Levels[q[i] & 0x0f] * m;
        dst[4 + i] = kNf4Levels[q[i] >> 4] * m;
      }
    }
  }
}

}  // namespace intformer
