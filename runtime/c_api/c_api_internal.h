// What the opaque C handles hold, and the boundary guard every entry point goes through.
//
// The C API is a thin shell over models/encoder.h: it owns the C++ objects, keeps the strings
// the C structs point at, turns Status into a status code plus the thread-local message, and
// makes sure no exception crosses into C (std::bad_alloc -> OUT_OF_MEMORY, anything else ->
// INTERNAL). Sessions share the model's state, so destroying the model handle first is safe.
#ifndef INTFORMER_RUNTIME_C_API_C_API_INTERNAL_H_
#define INTFORMER_RUNTIME_C_API_C_API_INTERNAL_H_

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "intformer/intformer.h"
#include "models/encoder.h"
#include "runtime/status.h"

namespace intformer {
namespace c_api {

// A loaded model and the C views of its description. Shared by the model handle and every
// session, so each outlives whichever handle the caller destroys first, including the strings
// intformer_model_info points at.
struct ModelState {
  std::unique_ptr<const Model> model;
  std::string pack_format;
  std::vector<const char*> label_ptrs;  // into model->info().labels
  intformer_model_info info;
};

}  // namespace c_api
}  // namespace intformer

struct intformer_model {
  std::shared_ptr<const intformer::c_api::ModelState> state;
  const intformer::Model& model() const { return *state->model; }
};

struct intformer_session {
  std::shared_ptr<const intformer::c_api::ModelState> state;
  std::unique_ptr<intformer::Session> session;
  size_t max_batch = 0, max_seq = 0, num_labels = 0;
  // Text entry points: the padded batch, reused across runs.
  std::vector<int32_t> ids, type_ids;
  std::vector<uint8_t> mask;
  std::vector<intformer::tokenizers::Encoding> encodings;
  const intformer::Model& model() const { return *state->model; }
};

namespace intformer {
namespace c_api {

// Records `status` as this thread's last error ("" when ok) and returns its code.
intformer_status Record(const Status& status);

// Maps a tokenizer failure to the public codes.
Status FromTokenizer(const tokenizers::Status& status);

// Runs `body` (returning Status) with every exception turned into a status.
template <class Body>
intformer_status Guard(const Body& body) {
  try {
    return Record(body());
  } catch (const std::bad_alloc&) {
    return Record(Status(INTFORMER_ERROR_OUT_OF_MEMORY, "allocation failed"));
  } catch (const std::exception& e) {
    return Record(Status(INTFORMER_ERROR_INTERNAL, std::string("unexpected exception: ") + e.what()));
  } catch (...) {
    return Record(Status(INTFORMER_ERROR_INTERNAL, "unexpected non-standard exception"));
  }
}

// Tokenizes one row with truncation to max_length (longest first).
Status EncodeRow(const Model& model, const char* text, const char* pair, size_t max_length,
                 tokenizers::Encoding* out);

// The IEEE-754 binary32 bits of the float nearest to logit * mult * 2^-shift (round to nearest
// even), for mult in [0, 2^31) and shift in [1, 62]; integer operations only.
uint32_t DyadicToFloatBits(int32_t logit, int32_t mult, int32_t shift);

}  // namespace c_api
}  // namespace intformer

#endif  // INTFORMER_RUNTIME_C_API_C_API_INTERNAL_H_
