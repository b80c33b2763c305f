// Session: the memory plan, the kernel choice and the input checks around the forward pass
// (forward.cc). Run validates everything user-supplied before touching a buffer, so a bad
// call answers a named status and leaves the session as usable as before.
#include <cstring>
#include <new>

#include "models/bert/plan.h"
#include "models/encoder.h"
#include "runtime/threadpool.h"

namespace intformer {
namespace bert {

// The forward pass (forward.cc): inputs already validated, positions filled.
Status Forward(const Weights& w, const Plan& plan, ThreadPool* pool, const int32_t* ids,
               const int32_t* type_ids, const uint8_t* mask, size_t batch, size_t seq,
               int32_t* logits);

namespace {

constexpr size_t kAlign = 64;
size_t Round(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Sessions beyond this many token rows are refused (keeps every size product far from
// overflow; 2^20 rows of BERT-large FFN activations are already 16 GB).
constexpr size_t kMaxRows = size_t{1} << 20;

}  // namespace

// Attention scratch slots: one per task that can run at once, i.e. per thread (at most one per
// head, and at most 64, ClaimSlot's mask); threads == 0 (one per core, unknown here) takes NH.
size_t AttentionSlots(const Weights& w, size_t threads) {
  size_t slots = threads == 0 || threads > w.heads ? w.heads : threads;
  return slots < 64 ? slots : 64;
}

size_t LayoutPlan(const Weights& w, size_t max_batch, size_t max_seq, size_t threads,
                  uint8_t* base, Plan* p) {
  const size_t M = max_batch * max_seq, H = w.hidden, I = w.intermediate, T = max_seq;
  const size_t slots = AttentionSlots(w, threads);
  const size_t NHTT = slots * T * T;
  size_t off = 0;
  auto take = [&](size_t bytes) -> void* {
    void* ptr = base == nullptr ? nullptr : base + off;
    off += Round(bytes);
    return ptr;
  };
  Plan q{};
  q.pos = static_cast<int32_t*>(take(M * 4));
  q.x32 = static_cast<int32_t*>(take(M * H * 4));
  q.h = static_cast<int8_t*>(take(M * H));
  q.qkv = static_cast<int8_t*>(take(M * 3 * H));
  q.scores = static_cast<int32_t*>(take(NHTT * 4));
  q.probs = static_cast<int8_t*>(take(NHTT));
  q.ctx = static_cast<int8_t*>(take(M * H));
  q.acc = static_cast<int32_t*>(take(M * (H > I ? H : I) * 4));
  q.a = static_cast<int8_t*>(take(M * H));
  q.g = static_cast<int8_t*>(take(M * I));
  q.pre = static_cast<int8_t*>(take(max_batch * H));
  q.pooled = static_cast<int8_t*>(take(max_batch * H));
  const size_t qk = Round(w.gemm->packed_size(T, w.head_dim));  // K head: n = T, k = D
  const size_t pv = Round(w.gemm->packed_size(w.head_dim, T));  // V head: n = D, k = T
  q.gemm_slot = qk > pv ? qk : pv;
  q.attention_slots = slots;
  q.gemm_scratch = take(slots * q.gemm_slot);
  void* busy = take(sizeof(std::atomic<uint64_t>));
  q.slots_busy = busy == nullptr ? nullptr : new (busy) std::atomic<uint64_t>(0);
  if (p != nullptr) {
    q.kernels = p->kernels;
    q.profile = p->profile;
    *p = q;
  }
  return off;
}

}  // namespace bert

Session::Session() = default;
Session::~Session() = default;

size_t Session::ScratchSize(const Model& model, const SessionOptions& o) {
  if (o.max_batch == 0 || o.max_seq == 0 || o.max_batch > bert::kMaxRows ||
      o.max_seq > bert::kMaxRows / o.max_batch) {
    return 0;
  }
  return bert::LayoutPlan(model.weights(), o.max_batch, o.max_seq, o.threads, nullptr,
                          nullptr);
}

Status Session::Create(const Model& model, const SessionOptions& o,
                       std::unique_ptr<Session>* out) {
  if (out == nullptr) return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "Session::Create: null output");
  if (o.max_batch == 0 || o.max_seq == 0) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "max_batch and max_seq must be >= 1");
  }
  if (o.max_seq > model.max_seq()) {
    return StatusF(INTFORMER_ERROR_INPUT_TOO_LONG, "max_seq %zu exceeds the model's %zu positions",
                   o.max_seq, model.max_seq());
  }
  const size_t size = ScratchSize(model, o);
  if (size == 0) {
    return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "max_batch x max_seq above %zu token rows",
                   bert::kMaxRows);
  }
  std::unique_ptr<Session> s(new Session());
  s->model_ = &model;
  s->options_ = o;
  uint8_t* base = static_cast<uint8_t*>(o.arena);
  if (base != nullptr) {
    if (o.arena_size < size || reinterpret_cast<uintptr_t>(base) % bert::kAlign != 0) {
      return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                     "arena: need %zu bytes at a 64-byte boundary, got %zu", size, o.arena_size);
    }
  } else {
    s->owned_arena_.reset(new (std::nothrow) uint8_t[size + bert::kAlign]);
    if (s->owned_arena_ == nullptr) {
      return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "session arena of %zu bytes", size);
    }
    const uintptr_t p = reinterpret_cast<uintptr_t>(s->owned_arena_.get());
    base = s->owned_arena_.get() + (bert::kAlign - p % bert::kAlign) % bert::kAlign;
  }
  s->plan_.reset(new bert::Plan());
  bert::Kernels& k = s->plan_->kernels;
  if (o.reference_kernels) {  // every table ends with its ref variant
    k = {&kEmbeddingKernels[kEmbeddingKernelCount - 1], &kILayerNormKernels[kILayerNormKernelCount - 1],
         &kISoftmaxKernels[kISoftmaxKernelCount - 1], &kIGeluKernels[kIGeluKernelCount - 1],
         &kAddKernels[kAddKernelCount - 1], &kLutKernels[kLutKernelCount - 1]};
  } else {
    k = {&GetEmbeddingKernel(), &GetILayerNormKernel(), &GetISoftmaxKernel(), &GetIGeluKernel(),
         &GetAddKernel(), &GetLutKernel()};
  }
  bert::LayoutPlan(model.weights(), o.max_batch, o.max_seq, o.threads, base, s->plan_.get());
  if (o.threads != 1) s->pool_.reset(new ThreadPool(o.threads));
  *out = std::move(s);
  return Status::Ok();
}

void Session::SetProfile(bert::Profile* profile) { plan_->profile = profile; }

Status Session::Run(const int32_t* ids, const int32_t* type_ids, const uint8_t* mask,
                    size_t batch, size_t seq, int32_t* logits_out) {
  const ModelInfo& info = model_->info();
  if (ids == nullptr || logits_out == nullptr) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "Run: ids and logits_out are required");
  }
  if (batch == 0 || seq == 0) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "Run: batch and seq must be >= 1");
  }
  if (batch > options_.max_batch) {
    return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "Run: batch %zu exceeds the session's max_batch %zu",
                   batch, options_.max_batch);
  }
  if (seq > options_.max_seq) {
    return StatusF(INTFORMER_ERROR_INPUT_TOO_LONG, "Run: seq %zu exceeds the session's max_seq %zu",
                   seq, options_.max_seq);
  }
  for (size_t i = 0; i < batch * seq; ++i) {
    if (ids[i] < 0 || static_cast<uint32_t>(ids[i]) >= info.vocab) {
      return StatusF(INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE,
                     "Run: token id %d at row %zu position %zu outside the vocabulary [0, %u)",
                     ids[i], i / seq, i % seq, info.vocab);
    }
    if (type_ids != nullptr && (type_ids[i] < 0 || static_cast<uint32_t>(type_ids[i]) >= info.type_vocab)) {
      return StatusF(INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE,
                     "Run: token type id %d at row %zu position %zu outside [0, %u)", type_ids[i],
                     i / seq, i % seq, info.type_vocab);
    }
  }
  if (mask != nullptr) {
    for (size_t b = 0; b < batch; ++b) {
      size_t real = 0;
      for (size_t t = 0; t < seq; ++t) real += mask[b * seq + t] != 0;
      if (real == 0) {
        return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "Run: row %zu has no real token (mask all 0)", b);
      }
    }
  }
  if (pool_ != nullptr) pool_->Begin();
  const Status st = bert::Forward(model_->weights(), *plan_, pool_.get(), ids, type_ids, mask,
                                  batch, seq, logits_out);
  if (pool_ != nullptr) pool_->Rest();  // workers sleep between passes
  return st;
}

}  // namespace intformer
