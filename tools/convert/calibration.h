// Calibration: the real range of every activation the integer encoder quantizes, measured by
// running the FP32 reference encoder (tools/reference) over real text.
//
// Each quantization point (a reference::Site in a layer) keeps its absolute maximum and a
// histogram of |x| on a logarithmic grid (kBinsPerOctave bins per power of two), so that a
// percentile costs a few kilobytes per point instead of every value. Only real tokens are counted
// (padded rows and padded keys are skipped through the observer's token mask). The chosen range
// is the maximum ("minmax") or the p-th percentile of |x| ("percentile", never above the maximum).
#ifndef INTFORMER_TOOLS_CONVERT_CALIBRATION_H_
#define INTFORMER_TOOLS_CONVERT_CALIBRATION_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/tokenizers/tokenizer.h"
#include "runtime/status.h"
#include "tools/convert/convert.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace quant {

class RangeStats {
 public:
  static constexpr int kBinsPerOctave = 32;
  static constexpr int kMinExp = -40;  // |x| < 2^-40 counts as the lowest bin
  static constexpr int kMaxExp = 40;

  RangeStats() : bins_((kMaxExp - kMinExp) * kBinsPerOctave, 0) {}
  void Add(float x);
  double absmax() const { return absmax_; }
  uint64_t count() const { return count_; }
  // Smallest r with at least p% of the |x| <= r (bin upper edge), capped at absmax().
  double Percentile(double p) const;

 private:
  std::vector<uint64_t> bins_;
  double absmax_ = 0;
  uint64_t count_ = 0;
};

// Ranges keyed by (site, layer); layer -1 outside the encoder layers.
struct CalibrationStats {
  std::map<std::pair<int, int>, RangeStats> ranges;
  size_t sentences = 0;
  size_t tokens = 0;

  const RangeStats* Find(reference::Site site, int layer) const;
};

// The rows of `path` (a TSV whose first line names the columns) in `cols` (1 or 2 names), at most
// `max_rows` of them. A missing file or column is a named error.
Status ReadCalibrationTsv(const std::string& path, const std::vector<std::string>& cols,
                          size_t max_rows, std::vector<std::vector<std::string>>* rows);

// Runs `model` over every row (tokenised by `tok`, truncated to max_seq, one sentence at a time
// so there is no padding) and fills *stats. progress("calibrate", i, n) after each sentence.
Status Calibrate(const reference::ReferenceModel& model, const tokenizers::Tokenizer& tok,
                 const std::vector<std::vector<std::string>>& rows, size_t max_seq,
                 const ProgressFn& progress, CalibrationStats* stats);

}  // namespace quant
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_CALIBRATION_H_
