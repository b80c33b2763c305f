// Offline side of gemm_nf4 (ops/gemm_nf4/gemm_nf4.h): QLoRA's NF4 quantization with double
// quantization of the block constants, as bitsandbytes does it (functional.py: quantize_4bit
// with compress_statistics=True, blocksize 64; the nested quantize_blockwise with blocksize 256
// and the signed 8-bit dynamic map), then the integer form the kernels read.
//
// QLoRA, for a weight [N x K] flattened row-major, K a multiple of 64:
//   absmax_b = max |W| over block b (64 weights)            first level, one per block
//   code     = nearest NF4 value to W / absmax_b (ties: the lower code, bitsandbytes'
//              strict x > midpoint comparisons)
//   offset   = mean_b absmax_b
//   absmax2_g = max |absmax_b - offset| over group g (256 blocks)
//   q_b      = nearest dynamic-map value to (absmax_b - offset) / absmax2_g (ties: lower)
//   dequantized absmax_b = dyn[q_b] * absmax2_g + offset;  W ~= NF4[code] * that
// All in double here (bitsandbytes computes in float32; the difference is below float32's ulp
// of each quantity and never changes a code except on exact float32 ties).
//
// Integer form (U = a per-tensor unit, max |dequantized absmax| / kNf4MaxMult up to a tiny
// margin):
//   dq_code[q] = round(dyn[q] * 2^30),  G_g = round(absmax2_g / U * 2^15),  offset = round(offset / U)
// so that gemm_nf4's mult(n, b) ~= dequantized absmax_b / U within about one unit; recip[n] =
// gemm_nf4's R(n).
#ifndef INTFORMER_TOOLS_OFFLINE_NF4_PARAMS_H_
#define INTFORMER_TOOLS_OFFLINE_NF4_PARAMS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4.h"

namespace intformer {
namespace offline {

// bitsandbytes get_4bit_type("nf4"): the float32 NF4 values, index = 4-bit code.
extern const float kNf4Table[16];

// bitsandbytes create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8), sorted
// ascending (256 values in [-1, 1]), in double.
const std::vector<double>& DynamicMap();

struct Nf4Quantized {
  size_t n = 0, k = 0;
  // QLoRA's representation.
  std::vector<uint8_t> code;      // [n * k] one 4-bit code per weight, row-major
  std::vector<double> absmax;     // [blocks] first-level absmax (before double quantization)
  double offset = 0;              // mean of absmax
  std::vector<uint8_t> absmax_q;  // [blocks] 8-bit dynamic-map codes
  std::vector<double> absmax2;    // [groups]
  // The integer form gemm_nf4 reads.
  double unit = 1;                // U
  std::vector<int32_t> dq_code;   // [256]
  std::vector<int32_t> g;         // [groups]
  int32_t offset_int = 0;
  std::vector<uint8_t> packed;    // Nf4CodesBytes(n, k), gemm_nf4's layout
  std::vector<int32_t> recip;     // [n] R(n)

  // QLoRA's dequantized absmax of block i and weight (n, k) (double).
  double DequantAbsmax(size_t i) const;
  double Dequant(size_t row, size_t col) const;
  // A gemm_nf4 view (bias left null; pointers into this object).
  Nf4Matrix View() const;
};

// Quantizes w [n x k] (k a multiple of 64, <= 65536). False with *why on a bad shape or a
// non-finite weight.
bool QuantizeNf4(const float* w, size_t n, size_t k, Nf4Quantized* out, std::string* why);

// Packs row-major codes [n x k] into gemm_nf4's layout.
std::vector<uint8_t> PackNf4Codes(const uint8_t* code, size_t n, size_t k);

}  // namespace offline
}  // namespace intformer

#endif  // INTFORMER_TOOLS_OFFLINE_NF4_PARAMS_H_
