#include "tools/convert/status.h"

namespace intformer {
namespace convert {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "kOk";
    case StatusCode::kFileNotFound: return "kFileNotFound";
    case StatusCode::kIoError: return "kIoError";
    case StatusCode::kBadJson: return "kBadJson";
    case StatusCode::kBadConfig: return "kBadConfig";
    case StatusCode::kUnsupportedModel: return "kUnsupportedModel";
    case StatusCode::kUnsupportedActivation: return "kUnsupportedActivation";
    case StatusCode::kTruncated: return "kTruncated";
    case StatusCode::kOffsetOutOfRange: return "kOffsetOutOfRange";
    case StatusCode::kOverlappingTensors: return "kOverlappingTensors";
    case StatusCode::kSizeMismatch: return "kSizeMismatch";
    case StatusCode::kUnsupportedDtype: return "kUnsupportedDtype";
    case StatusCode::kMissingTensor: return "kMissingTensor";
    case StatusCode::kShapeMismatch: return "kShapeMismatch";
    case StatusCode::kNonFiniteWeight: return "kNonFiniteWeight";
    case StatusCode::kBadZip: return "kBadZip";
    case StatusCode::kCompressedEntry: return "kCompressedEntry";
    case StatusCode::kBadPickle: return "kBadPickle";
    case StatusCode::kUnsafePickle: return "kUnsafePickle";
    case StatusCode::kUnsupportedLayout: return "kUnsupportedLayout";
  }
  return "kUnknown";
}

}  // namespace convert
}  // namespace intformer
