#include "tools/convert/safetensors.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace intformer {
namespace convert {
namespace {

// The format caps the header at 100 MB; so do we, before allocating anything for it.
constexpr uint64_t kMaxHeader = 100u << 20;

bool ReadUint(const nlohmann::json& j, uint64_t* v) {
  if (!j.is_number_unsigned() && !(j.is_number_integer() && j.get<int64_t>() >= 0)) return false;
  *v = j.get<uint64_t>();
  return true;
}

}  // namespace

Status ParseSafetensors(const std::vector<uint8_t>& file, const std::string& origin,
                        std::vector<RawTensor>* out) {
  out->clear();
  if (file.size() < 8) {
    return Status(StatusCode::kTruncated, origin + ": " + std::to_string(file.size()) +
                                              " bytes, shorter than the 8-byte header length");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[static_cast<size_t>(i)];
  if (n > kMaxHeader) {
    return Status(StatusCode::kBadJson, origin + ": header length " + std::to_string(n) +
                                            " exceeds the 100 MB limit");
  }
  if (n > file.size() - 8) {
    return Status(StatusCode::kTruncated, origin + ": header of " + std::to_string(n) +
                                              " bytes but the file holds " +
                                              std::to_string(file.size() - 8) + " after the length");
  }
  const auto header = nlohmann::json::parse(file.begin() + 8, file.begin() + 8 + static_cast<long>(n),
                                            nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) {
    return Status(StatusCode::kBadJson, origin + ": header is not a JSON object");
  }
  const size_t data_begin = 8 + static_cast<size_t>(n);
  const uint64_t data_size = file.size() - data_begin;

  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string where = origin + ": tensor " + name;
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") ||
        !info.contains("data_offsets") || !info["dtype"].is_string() ||
        !info["shape"].is_array() || !info["data_offsets"].is_array() ||
        info["data_offsets"].size() != 2) {
      return Status(StatusCode::kBadJson, where + ": needs dtype, shape and data_offsets[2]");
    }
    RawTensor t;
    t.name = name;
    if (!DTypeFromSafetensors(info["dtype"].get<std::string>(), &t.dtype)) {
      return Status(StatusCode::kUnsupportedDtype,
                    where + ": unknown dtype " + info["dtype"].get<std::string>());
    }
    uint64_t numel = 1;
    for (const auto& d : info["shape"]) {
      uint64_t v;
      if (!ReadUint(d, &v)) return Status(StatusCode::kBadJson, where + ": shape entry not a count");
      if (v != 0 && numel > (uint64_t{1} << 48) / v) {
        return Status(StatusCode::kSizeMismatch, where + ": element count overflows");
      }
      numel *= v;
      t.shape.push_back(static_cast<int64_t>(v));
    }
    uint64_t b, e;
    if (!ReadUint(info["data_offsets"][0], &b) || !ReadUint(info["data_offsets"][1], &e)) {
      return Status(StatusCode::kBadJson, where + ": data_offsets are not byte counts");
    }
    if (b > e || e > data_size) {
      return Status(StatusCode::kOffsetOutOfRange,
                    where + ": data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
                        ") outside the data section of " + std::to_string(data_size) + " bytes");
    }
    if (e - b != numel * DTypeSize(t.dtype)) {
      return Status(StatusCode::kSizeMismatch,
                    where + ": " + std::to_string(e - b) + " bytes for shape " +
                        ShapeString(t.shape) + " of " + DTypeName(t.dtype));
    }
    t.byte_begin = data_begin + static_cast<size_t>(b);
    t.byte_len = static_cast<size_t>(e - b);
    t.strides = ContiguousStrides(t.shape);
    out->push_back(std::move(t));
  }

  // No two tensors may share bytes (empty tensors share nothing).
  std::vector<const RawTensor*> by_offset;
  for (const auto& t : *out) {
    if (t.byte_len > 0) by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const RawTensor* a, const RawTensor* b) { return a->byte_begin < b->byte_begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const RawTensor* prev = by_offset[i - 1];
    if (prev->byte_begin + prev->byte_len > by_offset[i]->byte_begin) {
      return Status(StatusCode::kOverlappingTensors,
                    origin + ": tensors " + prev->name + " and " + by_offset[i]->name +
                        " share bytes");
    }
  }
  return Status::Ok();
}

}  // namespace convert
}  // namespace intformer
