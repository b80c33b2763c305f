// The integer forward pass of a BERT/RoBERTa classifier (docs/architecture.md has the diagram
// and the scale of every tensor). All token rows of the batch go through each GEMM together
// (M = batch x seq); attention runs one sequence at a time, all heads in one batched GEMM.
// Padded rows are computed like real ones (as Hugging Face does) and never read by real rows:
// i-Softmax gives padded keys probability exactly 0 and every other op is row-wise, so a
// sequence's logits do not depend on how much padding surrounds it.
#include "models/bert/plan.h"
#include "models/bert/weights.h"
#include "models/bert/nf4_weights.h"
#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "runtime/status.h"

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
            size_t lda, void* c, ThreadPool* pool) {
  if (g.nf4.codes != nullptr) {
    Nf4Gemm(*w.nf4_gemm, m, a, lda, g.nf4, PerChannel(g, out), c, g.n, pool);
    return;
  }
  Gemm(*w.gemm, m, g.n, g.k, a, lda, g.packed, PerChannel(g, out), c, g.n, pool);
}

// Self-attention of one sequence: qkv [T, 3H] -> ctx [T, H].
void Attention(const Weights& w, const LayerWeights& lw, const Plan& p, ThreadPool* pool,
               const int8_t* qkv, const uint8_t* mask, size_t T, int8_t* ctx) {
  const size_t H = w.hidden, NH = w.heads, D = w.head_dim;
  GemmEpilogue raw;  // scores stay int32 at S_q S_k; 1/sqrt(d) lives in i-Softmax's input scale
  GemmBatched(*w.gemm, NH, T, T, D, qkv, 3 * H, D, qkv + H, 3 * H, D, BLayout::kNK, raw,
              p.scores, T, T * T, p.gemm_scratch, pool);
  p.kernels.softmax->run(p.scores, mask, p.probs, NH * T, T, lw.softmax);
  GemmEpilogue to_ctx;
  to_ctx.output = GemmOutput::kS8Requant;
  to_ctx.scale = &lw.pv_scale;
  GemmBatched(*w.gemm, NH, T, D, T, p.probs, T, T * T, qkv + 2 * H, 3 * H, D, BLayout::kKN, to_ctx,
              ctx, H, D, p.gemm_scratch, pool);
}

void Layer(const Weights& w, const LayerWeights& lw, const Plan& p, ThreadPool* pool,
           const uint8_t* mask, size_t batch, size_t T) {
  const size_t M = batch * T, H = w.hidden, I = w.intermediate;
  const Kernels& k = p.kernels;
  Linear(w, lw.qkv, GemmOutput::kS8Requant, M, p.h, H, p.qkv, pool);
  for (size_t b = 0; b < batch; ++b) {
    Attention(w, lw, p, pool, p.qkv + b * T * 3 * H, mask == nullptr ? nullptr : mask + b * T, T,
              p.ctx + b * T * H);
  }
  Linear(w, lw.attn_out, GemmOutput::kS32Requant, M, p.ctx, H, p.acc, pool);
  k.add->s32_s8(p.acc, p.h, p.x32, M * H, lw.attn_add);
  k.layernorm->run(p.x32, p.a, M, lw.attn_ln);
  Linear(w, lw.ffn1, GemmOutput::kS32Requant, M, p.a, H, p.acc, pool);
  k.gelu->run(p.acc, p.g, M * I, lw.gelu);
  Linear(w, lw.ffn2, GemmOutput::kS32Requant, M, p.g, I, p.acc, pool);
  k.add->s32_s8(p.acc, p.a, p.x32, M * H, lw.ffn_add);
  k.layernorm->run(p.x32, p.h, M, lw.ffn_ln);
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
  const EmbeddingResult er =
      w.word_nf4.codes != nullptr
          ? EmbeddingGatherSumNf4(ids, p.pos, type_ids, M, p.x32, w.word_nf4, w.embed)
          : EmbeddingGatherSum(ids, p.pos, type_ids, M, p.x32, w.embed, p.kernels.embedding);
  if (!er.ok()) {  // ids were checked by Run; only a broken invariant lands here
    return StatusF(INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE, "embedding: bad id at row %zu position %zu",
                   er.token / seq, er.token % seq);
  }
  p.kernels.layernorm->run(p.x32, p.h, M, w.embed_ln);
  for (const LayerWeights& lw : w.layers) Layer(w, lw, p, pool, mask, batch, seq);

  // Head on each sequence's first token: rows 0, T, 2T, ... of h (lda = T * H).
  Linear(w, w.pooler, GemmOutput::kS8Requant, batch, p.h, seq * H, p.pre, pool);
  p.kernels.lut->s8(p.pre, p.pooled, batch * H, w.tanh_lut);
  Linear(w, w.classifier, GemmOutput::kS32Requant, batch, p.pooled, H, logits, pool);
  return Status::Ok();
}

}  // namespace bert
}  // namespace intformer
