// C API: errors, model loading, model queries and tokenization.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "models/format.h"
#include "models/format_reader.h"
#include "runtime/c_api/c_api_internal.h"

namespace intformer {
namespace c_api {
namespace {

thread_local std::string g_last_error;

Status NullArgument(const char* name) {
  return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "%s is NULL", name);
}

Status Wrap(std::unique_ptr<ModelFile> file, intformer_model** model_out) {
  std::unique_ptr<Model> model;
  INTFORMER_RETURN_IF_ERROR(Model::Load(std::move(file), &model));
  auto state = std::make_shared<ModelState>();
  const ModelInfo& info = model->info();
  if (info.labels.size() != info.num_labels) {
    return StatusF(INTFORMER_ERROR_UNSUPPORTED_MODEL, "%zu label names for %u labels",
                   info.labels.size(), info.num_labels);
  }
  const char* pack = format::PackFormatName(info.pack_format);
  state->pack_format = pack != nullptr ? pack : "unknown";
  for (const std::string& label : info.labels) state->label_ptrs.push_back(label.c_str());
  intformer_model_info& c = state->info;
  c.architecture = info.architecture.c_str();
  c.weights = info.weights.c_str();
  c.pack_format = state->pack_format.c_str();
  c.hidden = info.hidden;
  c.layers = info.layers;
  c.heads = info.heads;
  c.intermediate = info.intermediate;
  c.vocab_size = info.vocab;
  c.type_vocab_size = info.type_vocab;
  c.max_seq = static_cast<uint32_t>(model->max_seq());
  c.num_labels = info.num_labels;
  c.labels = state->label_ptrs.data();
  c.logit_multiplier = info.logit_scale.mult;
  c.logit_shift = info.logit_scale.shift;
  state->model = std::move(model);
  auto handle = std::make_unique<intformer_model>();
  handle->state = std::move(state);
  *model_out = handle.release();
  return Status::Ok();
}

ReaderOptions LoadOptions(uint32_t flags) {
  ReaderOptions options;
  options.verify_blobs = (flags & INTFORMER_LOAD_SKIP_BLOB_CHECKSUMS) == 0;
  options.copy_unaligned_buffer = (flags & INTFORMER_LOAD_COPY_BUFFER) != 0;
  // A file packed for kernels this CPU (or INTFORMER_MAX_ISA) cannot run is refused at load,
  // with TARGET_MISMATCH, rather than failing at the first run.
  options.require_isa_enabled = true;
  return options;
}

}  // namespace

intformer_status Record(const Status& status) {
  if (status.ok()) {
    g_last_error.clear();
  } else {
    // Assigning may itself fail; the code still goes back to the caller.
    try {
      g_last_error = status.message().empty() ? intformer_status_string(status.code())
                                              : status.message();
    } catch (...) {
      g_last_error.clear();
    }
  }
  return status.code();
}

Status FromTokenizer(const tokenizers::Status& status) {
  switch (status.code) {
    case tokenizers::StatusCode::kOk:
      return Status::Ok();
    case tokenizers::StatusCode::kOutOfMemory:
      return Status(INTFORMER_ERROR_OUT_OF_MEMORY, "tokenizer: " + status.message);
    case tokenizers::StatusCode::kInvalidArgument:
    case tokenizers::StatusCode::kMaxLengthTooSmall:
      return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "tokenizer: " + status.message);
    default:
      return Status(INTFORMER_ERROR_TOKENIZER, status.message);
  }
}

Status EncodeRow(const Model& model, const char* text, const char* pair, size_t max_length,
                 tokenizers::Encoding* out) {
  if (text == nullptr) return NullArgument("text");
  tokenizers::EncodeOptions options = model.tokenizer().settings().encode;
  options.add_special_tokens = true;
  options.truncation = true;
  options.pad_to_max_length = false;
  const size_t limit = std::min(max_length, model.max_seq());
  options.max_length = static_cast<int32_t>(std::min<size_t>(limit, INT32_MAX));
  const std::string_view b = pair != nullptr ? std::string_view(pair) : std::string_view();
  return FromTokenizer(
      model.tokenizer().Encode(text, pair != nullptr ? &b : nullptr, options, out));
}

}  // namespace c_api
}  // namespace intformer

using intformer::Status;
using intformer::StatusF;
using intformer::c_api::Guard;

extern "C" {

const char* intformer_last_error(void) { return intformer::c_api::g_last_error.c_str(); }

intformer_status intformer_model_load(const char* path, intformer_model** model_out) {
  return Guard([&]() -> Status {
    if (path == nullptr) return intformer::c_api::NullArgument("path");
    if (model_out == nullptr) return intformer::c_api::NullArgument("model_out");
    std::unique_ptr<intformer::ModelFile> file;
    // The reader's messages name the file already.
    INTFORMER_RETURN_IF_ERROR(
        intformer::ModelFile::OpenPath(path, intformer::c_api::LoadOptions(0), &file));
    return intformer::c_api::Wrap(std::move(file), model_out);
  });
}

intformer_status intformer_model_load_buffer(const void* data, size_t size, uint32_t flags,
                                             intformer_model** model_out) {
  return Guard([&]() -> Status {
    if (data == nullptr) return intformer::c_api::NullArgument("data");
    if (model_out == nullptr) return intformer::c_api::NullArgument("model_out");
    if ((flags & ~uint32_t{INTFORMER_LOAD_COPY_BUFFER | INTFORMER_LOAD_SKIP_BLOB_CHECKSUMS}) != 0) {
      return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "unknown load flags 0x%x", flags);
    }
    std::unique_ptr<intformer::ModelFile> file;
    INTFORMER_RETURN_IF_ERROR(intformer::ModelFile::OpenBuffer(
        data, size, intformer::c_api::LoadOptions(flags), &file));
    return intformer::c_api::Wrap(std::move(file), model_out);
  });
}

void intformer_model_destroy(intformer_model* model) { delete model; }

intformer_status intformer_model_get_info(const intformer_model* model,
                                          intformer_model_info* info_out) {
  return Guard([&]() -> Status {
    if (model == nullptr) return intformer::c_api::NullArgument("model");
    if (info_out == nullptr) return intformer::c_api::NullArgument("info_out");
    *info_out = model->state->info;
    return Status::Ok();
  });
}

intformer_status intformer_model_tokenize(const intformer_model* model, const char* text,
                                          const char* pair, size_t max_tokens, int32_t* ids_out,
                                          int32_t* type_ids_out, size_t* count_out) {
  return Guard([&]() -> Status {
    if (model == nullptr) return intformer::c_api::NullArgument("model");
    if (ids_out == nullptr) return intformer::c_api::NullArgument("ids_out");
    if (count_out == nullptr) return intformer::c_api::NullArgument("count_out");
    intformer::tokenizers::Encoding encoding;
    INTFORMER_RETURN_IF_ERROR(
        intformer::c_api::EncodeRow(model->model(), text, pair, max_tokens, &encoding));
    std::memcpy(ids_out, encoding.ids.data(), encoding.size() * sizeof(int32_t));
    if (type_ids_out != nullptr) {
      std::memcpy(type_ids_out, encoding.type_ids.data(), encoding.size() * sizeof(int32_t));
    }
    *count_out = encoding.size();
    return Status::Ok();
  });
}

}  // extern "C"
