// Byte-level helpers shared by the model file reader and writer: little-endian loads and stores
// that tolerate any alignment, overflow-checked arithmetic on 64-bit file values, and the
// section checksum. Not part of the models API.
#ifndef INTFORMER_MODELS_FORMAT_INTERNAL_H_
#define INTFORMER_MODELS_FORMAT_INTERNAL_H_

#include <cstdint>
#include <cstring>

namespace intformer {
namespace format_internal {

// The host is little-endian (format.h refuses to compile otherwise), so a memcpy is the
// little-endian decode; memcpy also makes unaligned buffers safe.
template <class T>
inline T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <class T>
inline void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// a + b, false on overflow.
inline bool CheckedAdd(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}
inline bool CheckedMul(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
// Rounds up to a multiple of `align` (a power of two), false on overflow.
inline bool CheckedAlign(uint64_t x, uint64_t align, uint64_t* out) {
  if (!CheckedAdd(x, align - 1, out)) return false;
  *out &= ~(align - 1);
  return true;
}
// True when [offset, offset + size) lies within [0, limit).
inline bool RangeWithin(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}
inline bool AllZero(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

// XXH3_64bits, seed 0 (format.h: "XXH3").
uint64_t Checksum(const void* data, uint64_t size);

// Header field offsets (format.h, HEADER).
enum HeaderField : size_t {
  kOffMagic = 0,
  kOffMajor = 8,
  kOffMinor = 10,
  kOffFlags = 12,
  kOffFileSize = 16,
  kOffTargetPack = 24,
  kOffTargetIsa = 28,
  kOffMetaOffset = 32,
  kOffMetaSize = 40,
  kOffTableOffset = 48,
  kOffTableSize = 56,
  kOffDataOffset = 64,
  kOffDataSize = 72,
  kOffMetaCount = 80,
  kOffTensorCount = 84,
  kOffMetaChecksum = 88,
  kOffTableChecksum = 96,
  kOffReserved = 104,
  kReservedSize = 16,
  kOffHeaderChecksum = 120,
};

}  // namespace format_internal
}  // namespace intformer

#endif  // INTFORMER_MODELS_FORMAT_INTERNAL_H_
