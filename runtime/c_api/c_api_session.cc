// C API: sessions, running on token ids and on text, classification.
#include <algorithm>
#include <cstring>
#include <limits>

#include "runtime/c_api/c_api_internal.h"

using intformer::Status;
using intformer::StatusF;
using intformer::c_api::Guard;

namespace {

Status Null(const char* name) {
  return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "%s is NULL", name);
}

intformer::SessionOptions ToCpp(const intformer_session_options& o) {
  intformer::SessionOptions s;
  s.threads = o.threads;
  s.max_batch = o.max_batch;
  s.max_seq = o.max_seq;
  s.arena = o.arena;
  s.arena_size = o.arena_size;
  return s;
}

Status CheckOptions(const intformer::Model& model, const intformer_session_options& o) {
  if (o.threads == 0 || o.max_batch == 0 || o.max_seq == 0) {
    return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                   "threads (%zu), max_batch (%zu) and max_seq (%zu) must be >= 1", o.threads,
                   o.max_batch, o.max_seq);
  }
  if (o.max_seq > model.max_seq()) {
    return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "max_seq %zu exceeds the model's %zu",
                   o.max_seq, model.max_seq());
  }
  if ((o.arena == nullptr) != (o.arena_size == 0)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "arena and arena_size must be set together");
  }
  if (o.arena != nullptr && reinterpret_cast<uintptr_t>(o.arena) % 64 != 0) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "arena must be 64-byte aligned");
  }
  return Status::Ok();
}

// Tokenizes `batch` rows and pads them to the longest into s->ids / type_ids / mask.
Status EncodeBatch(intformer_session* s, const char* const* texts, const char* const* pairs,
                   size_t batch, size_t* seq_out) {
  if (s->encodings.size() < batch) s->encodings.resize(batch);
  size_t seq = 0;
  for (size_t i = 0; i < batch; ++i) {
    const char* pair = pairs != nullptr ? pairs[i] : nullptr;
    Status st = intformer::c_api::EncodeRow(s->model(), texts[i], pair, s->max_seq,
                                            &s->encodings[i]);
    if (!st.ok()) return Status(st.code(), "row " + std::to_string(i) + ": " + st.message());
    seq = std::max(seq, s->encodings[i].size());
  }
  const int32_t pad = s->model().tokenizer().settings().pad_id;
  s->ids.assign(batch * seq, pad < 0 ? 0 : pad);
  s->type_ids.assign(batch * seq, 0);
  s->mask.assign(batch * seq, 0);
  for (size_t i = 0; i < batch; ++i) {
    const intformer::tokenizers::Encoding& e = s->encodings[i];
    std::copy(e.ids.begin(), e.ids.end(), s->ids.begin() + i * seq);
    std::copy(e.type_ids.begin(), e.type_ids.end(), s->type_ids.begin() + i * seq);
    std::fill_n(s->mask.begin() + i * seq, e.size(), uint8_t{1});
  }
  *seq_out = seq;
  return Status::Ok();
}

}  // namespace

extern "C" {

void intformer_session_options_init(intformer_session_options* options_out) {
  if (options_out == nullptr) return;
  *options_out = intformer_session_options{};
  options_out->threads = 1;
  options_out->max_batch = 1;
  options_out->max_seq = 128;
}

intformer_status intformer_session_scratch_size(const intformer_model* model,
                                                const intformer_session_options* options,
                                                size_t* size_out) {
  return Guard([&]() -> Status {
    if (model == nullptr) return Null("model");
    if (options == nullptr) return Null("options");
    if (size_out == nullptr) return Null("size_out");
    intformer_session_options o = *options;
    o.arena = nullptr;
    o.arena_size = 0;
    INTFORMER_RETURN_IF_ERROR(CheckOptions(model->model(), o));
    *size_out = intformer::Session::ScratchSize(model->model(), ToCpp(o));
    return Status::Ok();
  });
}

intformer_status intformer_session_create(const intformer_model* model,
                                          const intformer_session_options* options,
                                          intformer_session** session_out) {
  return Guard([&]() -> Status {
    if (model == nullptr) return Null("model");
    if (session_out == nullptr) return Null("session_out");
    intformer_session_options o;
    intformer_session_options_init(&o);
    if (options != nullptr) o = *options;
    INTFORMER_RETURN_IF_ERROR(CheckOptions(model->model(), o));
    auto handle = std::make_unique<intformer_session>();
    handle->state = model->state;
    INTFORMER_RETURN_IF_ERROR(
        intformer::Session::Create(model->model(), ToCpp(o), &handle->session));
    handle->max_batch = o.max_batch;
    handle->max_seq = o.max_seq;
    handle->num_labels = model->model().info().num_labels;
    *session_out = handle.release();
    return Status::Ok();
  });
}

void intformer_session_destroy(intformer_session* session) { delete session; }

intformer_status intformer_session_run(intformer_session* session, const int32_t* ids,
                                       const int32_t* type_ids, const uint8_t* mask,
                                       size_t batch, size_t seq, int32_t* logits_out) {
  return Guard([&]() -> Status {
    if (session == nullptr) return Null("session");
    if (ids == nullptr) return Null("ids");
    if (mask == nullptr) return Null("mask");
    if (logits_out == nullptr) return Null("logits_out");
    if (batch == 0 || seq == 0) {
      return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "empty input (batch %zu, seq %zu)",
                     batch, seq);
    }
    return session->session->Run(ids, type_ids, mask, batch, seq, logits_out);
  });
}

intformer_status intformer_session_run_text(intformer_session* session,
                                            const char* const* texts, const char* const* pairs,
                                            size_t batch, int32_t* logits_out) {
  return Guard([&]() -> Status {
    if (session == nullptr) return Null("session");
    if (texts == nullptr) return Null("texts");
    if (logits_out == nullptr) return Null("logits_out");
    if (batch == 0 || batch > session->max_batch) {
      return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "batch %zu outside [1, max_batch %zu]",
                     batch, session->max_batch);
    }
    size_t seq = 0;
    INTFORMER_RETURN_IF_ERROR(EncodeBatch(session, texts, pairs, batch, &seq));
    return session->session->Run(session->ids.data(), session->type_ids.data(),
                                 session->mask.data(), batch, seq, logits_out);
  });
}

intformer_status intformer_session_classify(intformer_session* session, const char* text,
                                            const char* pair, size_t* label_out,
                                            int32_t* logits_out) {
  return Guard([&]() -> Status {
    if (session == nullptr) return Null("session");
    if (text == nullptr) return Null("text");
    if (label_out == nullptr) return Null("label_out");
    std::vector<int32_t> local;
    int32_t* logits = logits_out;
    if (logits == nullptr) {
      local.resize(session->num_labels);
      logits = local.data();
    }
    size_t seq = 0;
    INTFORMER_RETURN_IF_ERROR(EncodeBatch(session, &text, &pair, 1, &seq));
    INTFORMER_RETURN_IF_ERROR(session->session->Run(session->ids.data(),
                                                    session->type_ids.data(),
                                                    session->mask.data(), 1, seq, logits));
    *label_out = intformer_argmax(logits, session->num_labels);
    return Status::Ok();
  });
}

size_t intformer_argmax(const int32_t* logits, size_t count) {
  if (logits == nullptr) return 0;
  size_t best = 0;
  for (size_t i = 1; i < count; ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return best;
}

}  // extern "C"
