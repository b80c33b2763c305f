// Weight quantization for the converter: int8 symmetric tables and per-output-channel GEMM
// weights, int32 biases at S_in * S_w, per-channel requant dyadics, packing for one gemm_s8
// kernel. Float arithmetic (offline only).
#ifndef INTFORMER_TOOLS_CONVERT_QUANTIZE_H_
#define INTFORMER_TOOLS_CONVERT_QUANTIZE_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/status.h"

namespace intformer {
namespace quant {

// 64-byte aligned bytes (gemm_s8 packs into aligned memory).
struct AlignedBytes {
  std::unique_ptr<uint8_t, void (*)(void*)> data{nullptr, std::free};
  size_t size = 0;
  bool Allocate(size_t n);
};

// A GEMM weight ready for the model file.
struct QuantizedLinear {
  size_t n = 0, k = 0;
  AlignedBytes packed;              // packer.pack() of the int8 weight with the int32 bias
  std::vector<int32_t> scale;       // [n, 2] requant dyadics (acc -> output scale)
  std::vector<double> w_scale;      // S_w[n], for the report
};

// Symmetric int8 of a whole tensor: scale = max|x| / 127 (1 when all zero).
double QuantizeTensorS8(const float* x, size_t count, std::vector<int8_t>* out);

// y = x W^T + b with W [n x k] float row-major, input scale s_in and output scale s_out[n]
// (one value: the same for every channel). Per output channel S_w[n] = max|W[n]| / 127, bias
// round(b / (s_in S_w[n])) (refused beyond kGemmMaxBias), dyadic s_in S_w[n] / s_out[n]
// (refused when it has no exact 31-bit dyadic). `name` goes into error messages.
Status QuantizeLinear(const GemmPacker& packer, const std::string& name, const float* w,
                      const float* b, size_t n, size_t k, double s_in,
                      const std::vector<double>& s_out, QuantizedLinear* out);

// Dyadic as [mult, shift] from a real ratio; INVALID_ARGUMENT naming `what` when it has none.
Status DyadicPair(const std::string& what, double real, int32_t pair[2]);

}  // namespace quant
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_QUANTIZE_H_
