#include "runtime/dispatch.h"

#include <cstdlib>

namespace intformer {
namespace dispatch_internal {

void LogRejection(const char* op, const char* variant, const char* reason) {
  if (VerboseEnabled("dispatch")) {
    std::fprintf(stderr, "intformer: dispatch %s: skip %s (%s)\n", op, variant, reason);
  }
}

void LogChoice(const char* op, const char* variant) {
  if (VerboseEnabled("dispatch")) std::fprintf(stderr, "intformer: dispatch %s: use %s\n", op, variant);
}

void NoVariant(const char* op) {
  // Unreachable while every table ends with its scalar `ref` entry; a table without one is a
  // programming error caught by the tests, not a runtime condition.
  std::fprintf(stderr, "intformer: dispatch %s: no variant accepted (table lacks ref)\n", op);
  std::abort();
}

}  // namespace dispatch_internal
}  // namespace intformer
