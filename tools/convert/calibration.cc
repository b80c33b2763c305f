#include "tools/convert/calibration.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace intformer {
namespace quant {

using reference::Site;

void RangeStats::Add(float x) {
  const double a = std::fabs(static_cast<double>(x));
  if (a > absmax_) absmax_ = a;
  ++count_;
  int bin = 0;
  if (a >= std::ldexp(1.0, kMinExp)) {
    bin = static_cast<int>(std::floor((std::log2(a) - kMinExp) * kBinsPerOctave));
    bin = std::min(std::max(bin, 0), static_cast<int>(bins_.size()) - 1);
  }
  ++bins_[static_cast<size_t>(bin)];
}

double RangeStats::Percentile(double p) const {
  if (count_ == 0) return 0;
  const double want = std::ceil(static_cast<double>(count_) * p / 100.0);
  uint64_t seen = 0;
  for (size_t i = 0; i < bins_.size(); ++i) {
    seen += bins_[i];
    if (static_cast<double>(seen) >= want) {
      const double edge = std::exp2(kMinExp + static_cast<double>(i + 1) / kBinsPerOctave);
      return std::min(edge, absmax_);
    }
  }
  return absmax_;
}

const RangeStats* CalibrationStats::Find(Site site, int layer) const {
  auto it = ranges.find({static_cast<int>(site), layer});
  return it == ranges.end() ? nullptr : &it->second;
}

namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (!out.empty() && !out.back().empty() && out.back().back() == '\r') out.back().pop_back();
  return out;
}

}  // namespace

Status ReadCalibrationTsv(const std::string& path, const std::vector<std::string>& cols,
                          size_t max_rows, std::vector<std::vector<std::string>>* rows) {
  if (cols.empty() || cols.size() > 2) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calibration: give one or two column names");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(INTFORMER_ERROR_IO, "calibration: cannot open '" + path + "'");
  std::string line;
  if (!std::getline(in, line)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calibration: '" + path + "' is empty");
  }
  const std::vector<std::string> header = SplitTabs(line);
  std::vector<size_t> idx;
  for (const std::string& c : cols) {
    auto it = std::find(header.begin(), header.end(), c);
    if (it == header.end()) {
      return Status(INTFORMER_ERROR_INVALID_ARGUMENT,
                    "calibration: '" + path + "' has no column '" + c + "'");
    }
    idx.push_back(static_cast<size_t>(it - header.begin()));
  }
  rows->clear();
  size_t line_no = 1;
  while (rows->size() < max_rows && std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitTabs(line);
    std::vector<std::string> row;
    for (size_t i : idx) {
      if (i >= f.size()) {
        return Status(INTFORMER_ERROR_INVALID_ARGUMENT,
                      "calibration: '" + path + "' line " + std::to_string(line_no) +
                          " has too few columns");
      }
      row.push_back(f[i]);
    }
    rows->push_back(std::move(row));
  }
  if (rows->empty()) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calibration: '" + path + "' has no rows");
  }
  return Status::Ok();
}

Status Calibrate(const reference::ReferenceModel& model, const tokenizers::Tokenizer& tok,
                 const std::vector<std::vector<std::string>>& rows, size_t max_seq,
                 const ProgressFn& progress, CalibrationStats* stats) {
  tokenizers::EncodeOptions eo = tok.settings().encode;
  eo.truncation = true;
  eo.pad_to_max_length = false;
  eo.max_length = static_cast<int32_t>(max_seq);
  auto observe = [stats](const reference::ActivationView& v) {
    // Attention scores and probabilities need no range: the score scale is S_q S_k / sqrt(d)
    // and the probabilities have the fixed scale 2^-7.
    if (v.site == Site::kScores || v.site == Site::kProbs) return;
    RangeStats& r = stats->ranges[{static_cast<int>(v.site), v.layer}];
    const bool token_rows = v.rows == v.seq_len;
    for (int row = 0; row < v.rows; ++row) {
      if (token_rows && v.token_mask != nullptr && v.token_mask[row] == 0) continue;
      const float* x = v.data + static_cast<size_t>(row) * v.cols;
      for (int c = 0; c < v.cols; ++c) r.Add(x[c]);
    }
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string>& row = rows[i];
    tokenizers::Encoding enc;
    const std::string_view b = row.size() > 1 ? std::string_view(row[1]) : std::string_view();
    tokenizers::Status ts = tok.Encode(row[0], row.size() > 1 ? &b : nullptr, eo, &enc);
    if (!ts.ok()) {
      return Status(INTFORMER_ERROR_TOKENIZER, "calibration row " + std::to_string(i) + ": " +
                                                   ts.message);
    }
    reference::EncoderInput in;
    in.batch = 1;
    in.seq_len = static_cast<int>(enc.size());
    in.input_ids = enc.ids;
    in.attention_mask = enc.attention_mask;
    in.token_type_ids = enc.type_ids;
    auto out = model.Forward(in, observe);
    if (!out.ok()) {
      return Status(INTFORMER_ERROR_INTERNAL,
                    "calibration row " + std::to_string(i) + ": " + out.status().ToString());
    }
    ++stats->sentences;
    stats->tokens += enc.size();
    if (progress) progress("calibrate", i + 1, rows.size());
  }
  return Status::Ok();
}

}  // namespace quant
}  // namespace intformer
