// The integer forward pass of a BERT/RoBERTa classifier (docs/architecture.md has the diagram
// and the scale of every tensor). All token rows of the batch go through each GEMM together
// (M = batch x seq); attention runs one task per (sequence, head) on the pool (Q.K^T, i-Softmax
// and P.V of a head stay on one thread, its scores in that core's cache); element-wise ops are
// split over rows on the pool, a residual add and its i-LayerNorm in one region. Few parallel
// regions per layer (8) matter on a busy machine, where each barrier can wait for a descheduled
// thread. Every output element is computed by one
// task with the same code whatever the thread count, so the bytes never depend on it.
// Padded rows are computed like real ones (as Hugging Face does) and never read by real rows:
// i-Softmax gives padded keys probability exactly 0 and every other op is row-wise, so a
// sequence's logits do not depend on how much padding surrounds it.
#include "models/bert/plan.h"
#include "models/bert/profile.h"
#include "models/bert/weights.h"
#include "models/bert/nf4_weights.h"
#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/status.h"
#include "runtime/threadpool.h"

namespace intformer {
namespace bert {
namespace {

GemmEpilogue PerChannel(const GemmWeight& w, GemmOutput out) {
  GemmEpilogue e;
  e.output = out;
  e.scale = w.scale;
  e.per_channel = true;
  return e;
}

void Linear(const Weights& w, const GemmWeight& g, GemmOutput out, size_t m, const int8_t* a,
            size_t lda, void* c, ThreadPool* pool, const GemmEpilogue* fused = nullptr) {
  GemmEpilogue e = PerChannel(g, out);
  if (fused != nullptr) {
    e.tile_done = fused->tile_done;
    e.tile_done_ctx = fused->tile_done_ctx;
  }
  if (g.nf4.codes != nullptr) {
    Nf4Gemm(*w.nf4_gemm, m, a, lda, g.nf4, e, c, g.n, pool);
    return;
  }
  Gemm(*w.gemm, m, g.n, g.k, a, lda, g.packed, e, c, g.n, pool);
}

// i-GELU of the FFN1 tile just written (rows [m0, m1), columns [n0, n1) of the int32 output),
// run by the GEMM driver on the thread that wrote it, while the tile is in that core's cache.
struct GeluTile {
  const IGeluKernel* gelu;
  const IGeluParams* params;
  const int32_t* src;  // [M, I] int32 at S_g
  int8_t* dst;         // [M, I] int8
  size_t ld;           // I
  static void Run(void* ctx, size_t m0, size_t m1, size_t n0, size_t n1) {
    const GeluTile& t = *static_cast<const GeluTile*>(ctx);
    if (n0 == 0 && n1 == t.ld) {  // whole rows: one call
      t.gelu->run(t.src + m0 * t.ld, t.dst + m0 * t.ld, (m1 - m0) * t.ld, *t.params);
      return;
    }
    for (size_t r = m0; r < m1; ++r) {
      t.gelu->run(t.src + r * t.ld + n0, t.dst + r * t.ld + n0, n1 - n0, *t.params);
    }
  }
};

// Calls f(begin, end) over [0, rows) in a few chunks per thread (one chunk without a pool).
template <class F>
void ForRows(ThreadPool* pool, size_t rows, F&& f) {
  const size_t threads = pool != nullptr ? pool->threads() : 1;
  if (threads <= 1 || rows < 2) {
    f(size_t{0}, rows);
    return;
  }
  const size_t chunks = rows < 2 * threads ? rows : 2 * threads;
  const size_t step = (rows + chunks - 1) / chunks;
  pool->Run2D((rows + step - 1) / step, 1, [&](size_t i, size_t) {
    const size_t begin = i * step;
    f(begin, rows - begin < step ? rows : begin + step);
  });
}

// Calls f(i) for i < count, one task each, on the pool.
template <class F>
void ForEach(ThreadPool* pool, size_t count, F&& f) {
  if (pool == nullptr || pool->threads() <= 1) {
    for (size_t i = 0; i < count; ++i) f(i);
    return;
  }
  pool->Run2D(count, 1, [&](size_t i, size_t) { f(i); });
}

// Claims a free slot among `count` (<= 64) for the calling task; tasks running at once are at
// most the pool's threads, so with count >= threads one is always free (else it waits for one).
size_t ClaimSlot(std::atomic<uint64_t>* busy, size_t count) {
  for (;;) {
    uint64_t cur = busy->load(std::memory_order_relaxed);
    for (size_t s = 0; s < count; ++s) {
      const uint64_t bit = uint64_t{1} << s;
      if ((cur & bit) == 0 &&
          busy->compare_exchange_weak(cur, cur | bit, std::memory_order_acquire)) {
        return s;
      }
    }
  }
}

// Self-attention of every sequence: qkv [batch * T, 3H] -> ctx [batch * T, H], one task per
// (sequence, head) on the pool. A task owns one scratch slot (scores, probabilities, packed
// K then V) while it runs Q.K^T, i-Softmax and P.V on its thread; which slot it gets does not
// change a byte of its output.
void Attention(const Weights& w, const LayerWeights& lw, const Plan& p, ThreadPool* pool,
               const uint8_t* mask, size_t batch, size_t T) {
  const size_t H = w.hidden, D = w.head_dim, NH = w.heads;
  const GemmKernel& kernel = *w.gemm;
  GemmEpilogue raw;  // scores stay int32 at S_q S_k; 1/sqrt(d) lives in i-Softmax's input scale
  GemmEpilogue to_ctx;
  to_ctx.output = GemmOutput::kS8Requant;
  to_ctx.scale = &lw.pv_scale;
  ForEach(pool, batch * NH, [&](size_t task) {
    const size_t b = task / NH, h = task % NH;
    const int8_t* qkv = p.qkv + b * T * 3 * H;
    const uint8_t* m = mask == nullptr ? nullptr : mask + b * T;
    const size_t slot = ClaimSlot(p.slots_busy, p.attention_slots);
    void* packed = static_cast<char*>(p.gemm_scratch) + slot * p.gemm_slot;
    int32_t* scores = p.scores + slot * T * T;
    int8_t* probs = p.probs + slot * T * T;
    kernel.pack(qkv + H + h * D, 3 * H, BLayout::kNK, T, D, nullptr, packed);
    Gemm(kernel, T, T, D, qkv + h * D, 3 * H, packed, raw, scores, T, nullptr);
    p.kernels.softmax->run(scores, m, probs, T, T, lw.softmax);
    kernel.pack(qkv + 2 * H + h * D, 3 * H, BLayout::kKN, D, T, nullptr, packed);
    Gemm(kernel, T, D, T, probs, T, packed, to_ctx, p.ctx + b * T * H + h * D, H, nullptr);
    p.slots_busy->fetch_and(~(uint64_t{1} << slot), std::memory_order_release);
  });
}

void Layer(const Weights& w, const LayerWeights& lw, const Plan& p, ThreadPool* pool,
           const uint8_t* mask, size_t batch, size_t T, size_t l) {
  const size_t M = batch * T, H = w.hidden, I = w.intermediate;
  const Kernels& k = p.kernels;
  Profile* prof = p.profile;
  {
    ProfileScope s(prof, l, ProfileOp::kQkv);
    Linear(w, lw.qkv, GemmOutput::kS8Requant, M, p.h, H, p.qkv, pool);
  }
  {
    ProfileScope s(prof, l, ProfileOp::kAttention);
    Attention(w, lw, p, pool, mask, batch, T);
  }
  {
    ProfileScope s(prof, l, ProfileOp::kAttnOut);
    Linear(w, lw.attn_out, GemmOutput::kS32Requant, M, p.ctx, H, p.acc, pool);
  }
  {
    // Residual add and i-LayerNorm of the same rows in one pass over the pool (one barrier).
    ProfileScope s(prof, l, ProfileOp::kAttnAddLn);
    ForRows(pool, M, [&](size_t r0, size_t r1) {
      k.add->s32_s8(p.acc + r0 * H, p.h + r0 * H, p.x32 + r0 * H, (r1 - r0) * H, lw.attn_add);
      k.layernorm->run(p.x32 + r0 * H, p.a + r0 * H, r1 - r0, lw.attn_ln);
    });
  }
  {
    // FFN1 with i-GELU fused per tile (the profile counts both as ffn1).
    ProfileScope s(prof, l, ProfileOp::kFfn1);
    GeluTile gt{k.gelu, &lw.gelu, p.acc, p.g, I};
    GemmEpilogue fused;
    fused.tile_done = &GeluTile::Run;
    fused.tile_done_ctx = &gt;
    Linear(w, lw.ffn1, GemmOutput::kS32Requant, M, p.a, H, p.acc, pool, &fused);
  }
  {
    ProfileScope s(prof, l, ProfileOp::kFfn2);
    Linear(w, lw.ffn2, GemmOutput::kS32Requant, M, p.g, I, p.acc, pool);
  }
  {
    ProfileScope s(prof, l, ProfileOp::kFfnAddLn);
    ForRows(pool, M, [&](size_t r0, size_t r1) {
      k.add->s32_s8(p.acc + r0 * H, p.a + r0 * H, p.x32 + r0 * H, (r1 - r0) * H, lw.ffn_add);
      k.layernorm->run(p.x32 + r0 * H, p.h + r0 * H, r1 - r0, lw.ffn_ln);
    });
  }
}

}  // namespace

Status Forward(const Weights& w, const Plan& p, ThreadPool* pool, const int32_t* ids,
               const int32_t* type_ids, const uint8_t* mask, size_t batch, size_t seq,
               int32_t* logits) {
  const size_t M = batch * seq, H = w.hidden;
  // Positions: BERT 0..T-1; RoBERTa padding_idx + running count of real tokens, padding_idx on
  // padded slots (Hugging Face's create_position_ids_from_input_ids).
  for (size_t b = 0; b < batch; ++b) {
    int32_t running = 0;
    for (size_t t = 0; t < seq; ++t) {
      const size_t i = b * seq + t;
      if (w.padding_idx < 0) {
        p.pos[i] = static_cast<int32_t>(t);
      } else {
        const bool real = mask == nullptr || mask[i] != 0;
        running += real ? 1 : 0;
        p.pos[i] = real ? w.padding_idx + running : w.padding_idx;
      }
    }
  }
  Profile* prof = p.profile;
  if (prof != nullptr) ++prof->runs;
  {
    ProfileScope s(prof, Profile::kOutside, ProfileOp::kEmbedding);
    const EmbeddingResult er =
        w.word_nf4.codes != nullptr
            ? EmbeddingGatherSumNf4(ids, p.pos, type_ids, M, p.x32, w.word_nf4, w.embed,
                                    *p.kernels.embedding)
            : EmbeddingGatherSum(ids, p.pos, type_ids, M, p.x32, w.embed, p.kernels.embedding);
    if (!er.ok()) {  // ids were checked by Run; only a broken invariant lands here
      return StatusF(INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE,
                     "embedding: bad id at row %zu position %zu", er.token / seq, er.token % seq);
    }
  }
  {
    ProfileScope s(prof, Profile::kOutside, ProfileOp::kEmbedLn);
    ForRows(pool, M, [&](size_t r0, size_t r1) {
      p.kernels.layernorm->run(p.x32 + r0 * H, p.h + r0 * H, r1 - r0, w.embed_ln);
    });
  }
  for (size_t l = 0; l < w.layers.size(); ++l) Layer(w, w.layers[l], p, pool, mask, batch, seq, l);

  // Head on each sequence's first token: rows 0, T, 2T, ... of h (lda = T * H).
  ProfileScope s(prof, Profile::kOutside, ProfileOp::kHead);
  Linear(w, w.pooler, GemmOutput::kS8Requant, batch, p.h, seq * H, p.pre, pool);
  p.kernels.lut->s8(p.pre, p.pooled, batch * H, w.tanh_lut);
  Linear(w, w.classifier, GemmOutput::kS32Requant, batch, p.pooled, H, logits, pool);
  return Status::Ok();
}

}  // namespace bert
}  // namespace intformer
