// NF4 weights for the converter (models/bert/schema.h, "NF4 TENSORS"): QLoRA's quantization
// (tools/offline/nf4_params.h) of a GEMM weight or an embedding table, written as the tensors
// gemm_nf4 reads, with the bias and per-channel dyadics at gemm_nf4's output scale. Offline.
#ifndef INTFORMER_TOOLS_CONVERT_QUANTIZE_NF4_H_
#define INTFORMER_TOOLS_CONVERT_QUANTIZE_NF4_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/format_writer.h"
#include "runtime/status.h"

namespace intformer {
namespace quant {

// "<key>.nf4.codes/.absmax_q/.absmax2", "<key>.nf4.offset" (the QLoRA part) for w [n x k].
// *unit receives U: an element's real value is level / 127 * mult * U (the embedding gather's
// level * mult is at scale U / 127). recip, when not null, receives gemm_nf4's channel
// reciprocals R(n) [n] (not stored: the loader derives them from the tensors above).
Status AddNf4Tensor(const std::string& key, const float* w, size_t n, size_t k, ModelWriter* out,
                    double* unit, std::vector<int32_t>* recip);

// y = x W^T + b: the NF4 tensors plus "<key>.bias" s32 [n] and "<key>.scale" s32 [n, 2] at
// gemm_nf4's per-channel accumulator scale acc[n] = s_in S_w(n) = s_in U 2^25 / (127 R(n)):
// bias[n] = round(b[n] / acc[n]), scale[n] = acc[n] / s_out[n]. s_out: one value or n.
Status AddNf4Linear(const std::string& key, const float* w, const float* b, size_t n, size_t k,
                    double s_in, const std::vector<double>& s_out, ModelWriter* out);

}  // namespace quant
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_QUANTIZE_NF4_H_
