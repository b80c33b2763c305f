// A tensor as a checkpoint file stores it: dtype, shape, and where its elements lie in the file's
// bytes. Both readers (safetensors, torch zip) parse into RawTensor and validate every extent at
// parse time; Gather() then turns one into a contiguous float array.
#ifndef INTFORMER_TOOLS_CONVERT_RAW_TENSOR_H_
#define INTFORMER_TOOLS_CONVERT_RAW_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/status.h"

namespace intformer {
namespace convert {

// The element types either format can name. Only the float ones convert to float; the others are
// listed so a checkpoint holding, e.g., an int64 position_ids buffer still opens, and fetching
// such a tensor as a weight fails with kUnsupportedDtype instead of a parse error.
enum class DType { kF32, kF16, kBF16, kF64, kI64, kI32, kI16, kI8, kU8, kBool };

size_t DTypeSize(DType t);
const char* DTypeName(DType t);  // safetensors spelling: "F32", "BF16", "I64", ...
bool DTypeFromSafetensors(const std::string& s, DType* out);

struct RawTensor {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  // The tensor's storage: bytes [byte_begin, byte_begin + byte_len) of the file.
  size_t byte_begin = 0;
  size_t byte_len = 0;
  // Element (i0, i1, ...) lives at storage element elem_offset + sum(i_d * strides[d]).
  int64_t elem_offset = 0;
  std::vector<int64_t> strides;

  int64_t NumElements() const;
};

// Row-major strides for `shape`.
std::vector<int64_t> ContiguousStrides(const std::vector<int64_t>& shape);

// Checks that shape has no negative dims, the element count does not overflow, strides are
// non-negative, and every element lies inside the storage (kOffsetOutOfRange otherwise).
Status ValidateExtent(const RawTensor& t);

// Converts the (validated) tensor to a contiguous row-major float array. F32, F16 and BF16 only
// (kUnsupportedDtype otherwise); NaN or Inf gives kNonFiniteWeight naming the element.
Status Gather(const RawTensor& t, const uint8_t* file, std::vector<float>* out);

float HalfToFloat(uint16_t h);
float BFloat16ToFloat(uint16_t b);

std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_RAW_TENSOR_H_
