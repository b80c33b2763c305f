// The static memory plan of a Session (and its kernel choice): every activation buffer of the forward pass, sized once
// from max_batch x max_seq and carved from one 64-byte aligned arena, so Run never allocates.
#ifndef INTFORMER_MODELS_BERT_PLAN_H_
#define INTFORMER_MODELS_BERT_PLAN_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "models/bert/profile.h"
#include "models/bert/weights.h"
#include "ops/add/add.h"
#include "ops/embedding/embedding.h"
#include "ops/igelu/igelu.h"
#include "ops/ilayernorm/ilayernorm.h"
#include "ops/isoftmax/isoftmax.h"
#include "ops/lut/lut.h"

namespace intformer {
namespace bert {

// The op variants a session runs (dispatch's choice, or every ref variant for tests).
struct Kernels {
  const EmbeddingKernel* embedding;
  const ILayerNormKernel* layernorm;
  const ISoftmaxKernel* softmax;
  const IGeluKernel* gelu;
  const AddKernel* add;
  const LutKernel* lut;
};

// Buffers for M = max_batch * max_seq token rows (H hidden, I intermediate, NH heads, T max_seq).
struct Plan {
  int32_t* pos;      // [M] position ids
  int32_t* x32;      // [M, H] embedding sum / residual sums (i-LayerNorm inputs)
  int8_t* h;         // [M, H] layer input / output
  int8_t* qkv;       // [M, 3H] Q | K | V
  int32_t* scores;   // [slots, T, T]: one running attention task (a sequence's head) per slot
  int8_t* probs;     // [slots, T, T]
  int8_t* ctx;       // [M, H]
  int32_t* acc;      // [M, max(H, I)] GEMM outputs at int32 scales
  int8_t* a;         // [M, H] attention LayerNorm output
  int8_t* g;         // [M, I] i-GELU output
  int8_t* pre;       // [max_batch, H] pooler output before tanh
  int8_t* pooled;    // [max_batch, H]
  size_t attention_slots;  // min(threads, NH, 64)
  void* gemm_scratch;  // [slots] of gemm_slot bytes: a task's packed K head, then its V head
  size_t gemm_slot;    // bytes per slot (64-byte multiple)
  std::atomic<uint64_t>* slots_busy;  // bit s set while a task owns slot s (in the arena)
  Kernels kernels;     // chosen at Session::Create
  Profile* profile = nullptr;         // models/bert/profile.h; null: not profiling (the default)
};

// Bytes the plan needs (a multiple of 64); fills *plan with offsets from `base` when given.
// threads: the session's (slots of attention scratch: one per concurrent task).
size_t LayoutPlan(const Weights& w, size_t max_batch, size_t max_seq, size_t threads,
                  uint8_t* base, Plan* plan);


}  // namespace bert
}  // namespace intformer

#endif  // INTFORMER_MODELS_BERT_PLAN_H_
