#include "runtime/status.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#define INTFORMER_STR2(x) #x
#define INTFORMER_STR(x) INTFORMER_STR2(x)

extern "C" {

const char* intformer_status_string(intformer_status status) {
  // A C caller may pass any int (a C enum is an int). In C++ a value outside the enum's range
  // is not a valid intformer_status, and reading it as one is undefined (UBSan's enum check
  // caught it), so switch on the stored representation instead of the enum value.
  int code;
  static_assert(sizeof(code) == sizeof(status), "intformer_status is int-sized");
  std::memcpy(&code, &status, sizeof(code));
  switch (code) {
    case INTFORMER_OK:
      return "ok";
    case INTFORMER_ERROR_INVALID_ARGUMENT:
      return "invalid argument";
    case INTFORMER_ERROR_INTERNAL:
      return "internal error";
    case INTFORMER_ERROR_IO:
      return "i/o error";
    case INTFORMER_ERROR_OUT_OF_MEMORY:
      return "out of memory";
    case INTFORMER_ERROR_BAD_MAGIC:
      return "not an intformer model file (bad magic)";
    case INTFORMER_ERROR_UNSUPPORTED_VERSION:
      return "unsupported model file version";
    case INTFORMER_ERROR_CHECKSUM_MISMATCH:
      return "checksum mismatch";
    case INTFORMER_ERROR_TRUNCATED_FILE:
      return "truncated model file";
    case INTFORMER_ERROR_CORRUPT_FILE:
      return "corrupt model file";
    case INTFORMER_ERROR_TARGET_MISMATCH:
      return "model packed for another target";
    case INTFORMER_ERROR_UNSUPPORTED_MODEL:
      return "unsupported model";
    case INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE:
      return "token id out of range";
    case INTFORMER_ERROR_INPUT_TOO_LONG:
      return "input too long";
    case INTFORMER_ERROR_TOKENIZER:
      return "tokenizer error";
  }
  return "unknown status";
}

const char* intformer_version(void) {
  return INTFORMER_STR(INTFORMER_VERSION_MAJOR) "." INTFORMER_STR(
      INTFORMER_VERSION_MINOR) "." INTFORMER_STR(INTFORMER_VERSION_PATCH);
}

}  // extern "C"

namespace intformer {

std::string Status::ToString() const {
  std::string s = intformer_status_string(code_);
  if (!message_.empty()) {
    s += ": ";
    s += message_;
  }
  return s;
}

Status StatusF(intformer_status code, const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return Status(code, buf);
}

}  // namespace intformer
