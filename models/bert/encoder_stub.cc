// Temporary stub so that the API side can link against models/encoder.h; replaced by the
// real encoder (model.cc, session.cc) in the following commits.
#include "models/encoder.h"
#include "runtime/threadpool.h"

namespace intformer {
namespace bert {
struct Weights {};
struct Plan {};
}  // namespace bert

Model::Model() = default;
Model::~Model() = default;
size_t Model::max_seq() const { return 0; }
Status Model::Load(std::unique_ptr<ModelFile> file, std::unique_ptr<Model>* out) {
  return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, "encoder not implemented yet");
}
Session::Session() = default;
Session::~Session() = default;
size_t Session::ScratchSize(const Model&, const SessionOptions&) { return 0; }
Status Session::Create(const Model&, const SessionOptions&, std::unique_ptr<Session>*) {
  return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, "encoder not implemented yet");
}
Status Session::Run(const int32_t*, const int32_t*, const uint8_t*, size_t, size_t, int32_t*) {
  return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, "encoder not implemented yet");
}
}  // namespace intformer
