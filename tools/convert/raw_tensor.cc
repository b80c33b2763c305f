#include "tools/convert/raw_tensor.h"

#include <cmath>
#include <cstring>

namespace intformer {
namespace convert {
namespace {

struct DTypeInfo {
  DType type;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::kF32, "F32", 4}, {DType::kF16, "F16", 2}, {DType::kBF16, "BF16", 2},
    {DType::kF64, "F64", 8}, {DType::kI64, "I64", 8}, {DType::kI32, "I32", 4},
    {DType::kI16, "I16", 2}, {DType::kI8, "I8", 1},   {DType::kU8, "U8", 1},
    {DType::kBool, "BOOL", 1},
};

uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t LoadU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

size_t DTypeSize(DType t) {
  for (const auto& d : kDTypes) {
    if (d.type == t) return d.size;
  }
  return 0;
}

const char* DTypeName(DType t) {
  for (const auto& d : kDTypes) {
    if (d.type == t) return d.name;
  }
  return "?";
}

bool DTypeFromSafetensors(const std::string& s, DType* out) {
  for (const auto& d : kDTypes) {
    if (s == d.name) {
      *out = d.type;
      return true;
    }
  }
  return false;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  float f;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in float.
    f = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -f : f;
  }
  uint32_t bits;
  if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);  // Inf / NaN
  } else {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);  // rebias 15 -> 127
  }
  std::memcpy(&f, &bits, 4);
  return f;
}

float BFloat16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

int64_t RawTensor::NumElements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::vector<int64_t> ContiguousStrides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Status ValidateExtent(const RawTensor& t) {
  const size_t esize = DTypeSize(t.dtype);
  if (t.strides.size() != t.shape.size()) {
    return Status(StatusCode::kBadPickle, t.name + ": " + std::to_string(t.strides.size()) +
                                              " strides for a rank-" +
                                              std::to_string(t.shape.size()) + " shape");
  }
  const int64_t kLimit = int64_t{1} << 48;  // no real tensor comes near; keeps products exact
  int64_t numel = 1, last = t.elem_offset;
  if (t.elem_offset < 0) {
    return Status(StatusCode::kOffsetOutOfRange, t.name + ": negative storage offset");
  }
  for (size_t d = 0; d < t.shape.size(); ++d) {
    if (t.shape[d] < 0 || t.shape[d] > kLimit) {
      return Status(StatusCode::kSizeMismatch, t.name + ": bad shape " + ShapeString(t.shape));
    }
    if (t.strides[d] < 0) {
      return Status(StatusCode::kUnsupportedLayout, t.name + ": negative stride");
    }
    numel *= t.shape[d];
    if (numel > kLimit || t.strides[d] > kLimit) {
      return Status(StatusCode::kSizeMismatch, t.name + ": element count overflows");
    }
  }
  if (numel == 0) return Status::Ok();
  for (size_t d = 0; d < t.shape.size(); ++d) last += (t.shape[d] - 1) * t.strides[d];
  const size_t storage_elems = t.byte_len / esize;
  if (last < 0 || static_cast<uint64_t>(last) >= storage_elems) {
    return Status(StatusCode::kOffsetOutOfRange,
                  t.name + ": element " + std::to_string(last) + " beyond its storage of " +
                      std::to_string(storage_elems) + " elements");
  }
  return Status::Ok();
}

Status Gather(const RawTensor& t, const uint8_t* file, std::vector<float>* out) {
  if (t.dtype != DType::kF32 && t.dtype != DType::kF16 && t.dtype != DType::kBF16) {
    return Status(StatusCode::kUnsupportedDtype,
                  t.name + ": dtype " + DTypeName(t.dtype) + " is not a float weight type "
                  "(F32, F16, BF16 are read)");
  }
  const int64_t n = t.NumElements();
  out->assign(static_cast<size_t>(n), 0.0f);
  const size_t esize = DTypeSize(t.dtype);
  const uint8_t* base = file + t.byte_begin;
  const size_t rank = t.shape.size();
  std::vector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t e = t.elem_offset;
    for (size_t d = 0; d < rank; ++d) e += idx[d] * t.strides[d];
    const uint8_t* p = base + static_cast<size_t>(e) * esize;
    float v;
    switch (t.dtype) {
      case DType::kF32: {
        const uint32_t bits = LoadU32(p);
        std::memcpy(&v, &bits, 4);
        break;
      }
      case DType::kF16: v = HalfToFloat(LoadU16(p)); break;
      default: v = BFloat16ToFloat(LoadU16(p)); break;
    }
    if (!std::isfinite(v)) {
      return Status(StatusCode::kNonFiniteWeight,
                    t.name + ": element " + std::to_string(i) + " is " + (std::isnan(v) ? "NaN" : "Inf"));
    }
    (*out)[static_cast<size_t>(i)] = v;
    for (size_t d = rank; d-- > 0;) {  // odometer increment, last dim fastest
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return Status::Ok();
}

}  // namespace convert
}  // namespace intformer
