// Stub: the converter pipeline arrives in the following commits.
#include "tools/convert/convert.h"

namespace intformer {
Status Convert(const ConvertOptions& options, const ProgressFn& progress) {
  return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, "converter not implemented yet");
}
}  // namespace intformer
