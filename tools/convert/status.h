// Errors from the converter's readers. Every function that reads user data (config.json, a
// checkpoint) returns a Status or a Result<T>: a code a caller or a test can branch on, and a
// message that names the file, tensor or field at fault. Nothing in tools/convert throws or aborts
// on bad input.
#ifndef INTFORMER_TOOLS_CONVERT_STATUS_H_
#define INTFORMER_TOOLS_CONVERT_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace intformer {
namespace convert {

enum class StatusCode {
  kOk = 0,
  kFileNotFound,           // a path that does not exist or cannot be opened
  kIoError,                // a read failed
  kBadJson,                // config.json or a safetensors header is not valid JSON
  kBadConfig,              // valid JSON, but a field is missing, mistyped or out of range
  kUnsupportedModel,       // model_type the converter does not handle
  kUnsupportedActivation,  // hidden_act other than exact-erf "gelu"
  kTruncated,              // the file ends before a length it declares
  kOffsetOutOfRange,       // a tensor's bytes lie outside the data section / storage
  kOverlappingTensors,     // two tensors share bytes
  kSizeMismatch,           // byte size disagrees with shape x dtype
  kUnsupportedDtype,       // a dtype the reader knows but cannot turn into float (I64, F64, ...)
  kMissingTensor,          // a tensor the model needs is absent
  kShapeMismatch,          // a tensor has a shape the config does not predict
  kNonFiniteWeight,        // NaN or Inf in a weight
  kBadZip,                 // torch zip archive malformed (or zip64, which we do not read)
  kCompressedEntry,        // a zip entry is deflated; torch.save stores entries uncompressed
  kBadPickle,              // malformed pickle stream or an object layout torch.save never writes
  kUnsafePickle,           // a pickle GLOBAL/REDUCE outside the state-dict allow-list
  kUnsupportedLayout,      // e.g. negative strides, big-endian storage
};

const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "kMissingTensor: encoder.layer.0.attention.self.query.weight not in ..."
  std::string ToString() const { return std::string(StatusCodeName(code_)) + ": " + message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}           // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}   // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace convert
}  // namespace intformer

// Returns from the enclosing function when `expr` yields a non-OK status. The same token
// sequence is defined in tools/convert/status.h and runtime/status.h (identical redefinitions
// are legal), and `auto` makes it serve both status types.
#define INTFORMER_RETURN_IF_ERROR(expr)               \
  do {                                                \
    auto _intformer_status = (expr);                  \
    if (!_intformer_status.ok()) return _intformer_status; \
  } while (0)

#endif  // INTFORMER_TOOLS_CONVERT_STATUS_H_
