// Status: the error value every fallible C++ function of intformer returns.
//
// A code from the public C enum (include/intformer/intformer.h), so the C API can hand it out
// unchanged, plus a message for humans that says what was wrong and where ("tensor 'w1':
// offset 4160 + size 512 exceeds the data section end 4608"). Success carries no message and
// costs no allocation; errors allocate their message, which is fine: they are rare and final.
#ifndef INTFORMER_RUNTIME_STATUS_H_
#define INTFORMER_RUNTIME_STATUS_H_

#include <string>
#include <utility>

#include "intformer/intformer.h"

namespace intformer {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(intformer_status code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == INTFORMER_OK; }
  intformer_status code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<status string>: <message>", or "ok".
  std::string ToString() const;

  // Explicitly discards a status the caller has decided not to act on.
  void IgnoreError() const {}

 private:
  intformer_status code_ = INTFORMER_OK;
  std::string message_;
};

// Status with a printf-formatted message.
Status StatusF(intformer_status code, const char* format, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

}  // namespace intformer

// Returns from the enclosing function when `expr` yields a non-OK status. The same token
// sequence is defined in tools/convert/status.h and runtime/status.h (identical redefinitions
// are legal), and `auto` makes it serve both status types.
#define INTFORMER_RETURN_IF_ERROR(expr)               \
  do {                                                \
    auto _intformer_status = (expr);                  \
    if (!_intformer_status.ok()) return _intformer_status; \
  } while (0)

#endif  // INTFORMER_RUNTIME_STATUS_H_
