#include "models/format.h"

#include <xxhash.h>

#include "models/checksum/xxh3.h"
#include "models/format_internal.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/cpu.h"

namespace intformer {
namespace format {

size_t DTypeSize(uint32_t dtype) {
  switch (static_cast<DType>(dtype)) {
    case DType::kS8:
    case DType::kU8:
      return 1;
    case DType::kS16:
    case DType::kU16:
      return 2;
    case DType::kS32:
    case DType::kU32:
      return 4;
    case DType::kS64:
      return 8;
  }
  return 0;
}

const char* DTypeName(uint32_t dtype) {
  switch (static_cast<DType>(dtype)) {
    case DType::kS8: return "s8";
    case DType::kU8: return "u8";
    case DType::kS16: return "s16";
    case DType::kU16: return "u16";
    case DType::kS32: return "s32";
    case DType::kU32: return "u32";
    case DType::kS64: return "s64";
  }
  return "?";
}

const char* MetaTypeName(uint32_t type) {
  switch (static_cast<MetaType>(type)) {
    case MetaType::kU32: return "u32";
    case MetaType::kI32: return "i32";
    case MetaType::kU64: return "u64";
    case MetaType::kI64: return "i64";
    case MetaType::kBool: return "bool";
    case MetaType::kString: return "string";
    case MetaType::kBytes: return "bytes";
    case MetaType::kI32Array: return "i32_array";
    case MetaType::kStringArray: return "string_array";
  }
  return "?";
}

bool KnownMetaType(uint32_t type) { return MetaTypeName(type)[0] != '?'; }

const char* PackFormatName(uint32_t pack_format) {
  switch (pack_format) {
    case 0: return "plain";
    case kPackRef: return "ref";
    case kPackAvx2: return "avx2";
    case kPackAvx512Vnni: return "avx512vnni";
    case kPackNeon: return "neon";
    case kPackNeonDot: return "neondot";
    case kPackI8mm: return "i8mm";
    case kPackOneDnn: return "onednn";
  }
  return nullptr;
}

const char* IsaIdName(uint32_t isa) {
  switch (static_cast<IsaId>(isa)) {
    case IsaId::kScalar: return "scalar";
    case IsaId::kAvx2: return "avx2";
    case IsaId::kAvx512: return "avx512";
    case IsaId::kAvx512Vnni: return "avx512vnni";
    case IsaId::kNeon: return "neon";
    case IsaId::kNeonDot: return "neondot";
    case IsaId::kI8mm: return "i8mm";
  }
  return nullptr;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidUtf8NoNul(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // stray continuation byte or 0xf8..0xff
    }
    if (n - i < len) return false;
    for (size_t j = 1; j < len; ++j) {
      if ((s[i + j] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    static constexpr uint32_t kMinForLen[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLen[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace format

namespace format_internal {

uint64_t Checksum(const void* data, uint64_t size) {
#if INTFORMER_X86_VARIANTS
  // The blob checksums read the whole file at load: the widest XXH3 loop the CPU (and
  // INTFORMER_MAX_ISA) allows; the result is the same on every path.
  using Fn = uint64_t (*)(const void*, size_t);
  static const Fn fn = IsaEnabled(Isa::kAvx512) ? Xxh3Avx512
                       : IsaEnabled(Isa::kAvx2) ? Xxh3Avx2
                                                : nullptr;
  if (fn != nullptr) return fn(data, static_cast<size_t>(size));
#endif
  return XXH3_64bits(data, static_cast<size_t>(size));
}

}  // namespace format_internal
}  // namespace intformer
