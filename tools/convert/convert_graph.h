// The encoder graph part of the converter: from the float checkpoint and the calibrated ranges
// to every tensor and constant of models/bert/schema.h, added to a ModelWriter. Internal to
// tools/convert (convert.cc drives it).
#ifndef INTFORMER_TOOLS_CONVERT_CONVERT_GRAPH_H_
#define INTFORMER_TOOLS_CONVERT_CONVERT_GRAPH_H_

#include <string>
#include <vector>

#include "models/format_writer.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/status.h"
#include "tools/convert/calibration.h"
#include "tools/convert/checkpoint.h"
#include "tools/convert/convert.h"
#include "tools/convert/hf_config.h"

namespace intformer {
namespace quant {

// int32 quantization points (residual sums, FFN1's output, logits) get a scale of
// absmax / 2^kInt32RangeBits: far finer than int8 and still 2^(31 - bits) of headroom over the
// calibrated range before saturation.
constexpr int kInt32RangeBits = 20;
constexpr int kLogitRangeBits = 16;

struct GraphInputs {
  const convert::HfConfig* config;
  const convert::CheckpointReader* ckpt;
  const CalibrationStats* stats;
  const GemmPacker* packer;  // the target's gemm_s8 layout
  const ConvertOptions* options;
  const std::vector<std::string>* nf4_groups;  // ResolveNf4Groups' answer
};

// Adds the quantization metadata and every tensor to *w; *scales_report receives the real
// scales as text (stored as quant.scales).
Status BuildGraph(const GraphInputs& in, const ProgressFn& progress, ModelWriter* w,
                  std::string* scales_report);

}  // namespace quant
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_CONVERT_GRAPH_H_
