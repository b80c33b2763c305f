// The intformer BERT/RoBERTa classifier schema: which metadata keys and tensors a model file
// (models/format.h) must hold for models/encoder.h to run it. This comment is the specification;
// tools/convert writes it, models/bert/model_load.cc reads and validates it.
//
// NOTATION. H hidden, I intermediate, NH heads, D = H / NH, V vocab, P max_positions, TV
// type_vocab, L num_labels, l = layer index 0..layers-1. A "dyadic" is an i32 array [mult, shift]
// (ops/requant/requant.h); a per-channel dyadic tensor is s32 [N, 2] of such pairs.
//
// METADATA
//   intformer.schema        string  "bert-classifier/1" (this schema, version 1)
//   arch                    string  "bert" | "roberta"
//   dims.hidden .layers .heads .intermediate .vocab .max_positions .type_vocab   u32
//   position.padding_idx    i32     -1: positions 0..T-1 (BERT); p >= 0: RoBERTa positions,
//                                   p + cumsum(mask) for real tokens and p for padding
//   labels                  string array, L entries (id2label); L = 1 means regression
//   weights                 string  "int8" | "nf4" (some groups NF4, see NF4 TENSORS)
//   weights.nf4             string array (nf4 only): the NF4 groups, of "embeddings" (word table),
//                                   "attention" (qkv, attn_out), "ffn" (ffn1, ffn2), "head"
//   nf4.dq_code             i32 array [256] (nf4 only): bitsandbytes' dynamic map * 2^30
//   nf4.form                i32     (nf4 only) the NF4 integer form, 2 (kNf4Form): the
//                                   per-channel form of NF4 TENSORS below. Absent or any other
//                                   value: the loader refuses the file (UNSUPPORTED_MODEL)
//   tokenizer.settings      bytes   SerializeSettings blob (models/tokenizers), ids resolved
//   tokenizer.vocab         bytes   vocab.txt (WordPiece) or vocab.json (byte-level BPE)
//   tokenizer.merges        bytes   merges.txt (BPE; empty for WordPiece)
//   embed.scales            i32 array [w.mult, w.shift, p.mult, p.shift, t.mult, t.shift]
//                                   table scale / common scale (ops/embedding)
//   <ln>.shift              i32     i-LayerNorm T;  <ln>.eps  i64  eps_q   (ops/ilayernorm)
//                                   for <ln> in embed.ln, layer.l.attn_ln, layer.l.ffn_ln
//   layer.l.softmax         i32 array [to_work.mult, to_work.shift, diff_max, poly_b, poly_c]
//   layer.l.pv.scale        dyadic  2^-7 * S_v / S_ctx (P.V accumulator -> int8 context)
//   layer.l.attn_add        i32 array [a.mult, a.shift, b.mult, b.shift] (ops/add AddParams)
//   layer.l.ffn_add         i32 array, the same for the FFN residual
//   layer.l.gelu            i32 array [to_work.mult, to_work.shift, clip, c, norm_shift, one,
//                                   out_poly.mult, out_poly.shift, out_lin.mult, out_lin.shift]
//   logit_scale             dyadic  real logit = int32 logit * mult * 2^-shift
//   quant.scales            string  the real scales, for humans and `inspect` (never read)
//   quant.calibration       string  method, rows and source of the calibration (never read)
//
// TENSORS ("packed" = s8 [N, K] in the file's target_pack_format, bias folded in by Pack)
//   embed.word s8 [V, H]   embed.pos s8 [P, H]   embed.type s8 [TV, H]
//   embed.ln.gamma, embed.ln.bias                  s32 [H]   (i-LayerNorm g_c, bias_c)
//   layer.l.qkv.w       packed [3H, H]; rows 0..H-1 Q, H..2H-1 K, 2H..3H-1 V
//   layer.l.qkv.scale   s32 [3H, 2]  S_h S_w[n] / S_{q|k|v}  (int8 Q, K, V out)
//   layer.l.attn_out.w  packed [H, H];  .scale s32 [H, 2]  S_ctx S_w[n] / S_ao (int32 out)
//   layer.l.attn_ln.gamma, .bias  s32 [H]
//   layer.l.ffn1.w      packed [I, H];  .scale s32 [I, 2]  S_a S_w[n] / S_g (int32 out)
//   layer.l.ffn2.w      packed [H, I];  .scale s32 [H, 2]  S_gelu S_w[n] / S_f2 (int32 out)
//   layer.l.ffn_ln.gamma, .bias   s32 [H]
//   head.pooler.w       packed [H, H];  .scale s32 [H, 2]  int8 pre-tanh out
//   head.tanh           s8 [256]     tanh LUT (ops/lut), output scale 1/127
//   head.classifier.w   packed [L, H];  .scale s32 [L, 2]  int32 logits at logit_scale
// BERT's pooler + classifier and RoBERTa's classifier.dense + out_proj map to the same head.
//
// NF4 TENSORS (ops/gemm_nf4/gemm_nf4.h). A GEMM weight <key> of an NF4 group replaces
// "<key>.w" by
//   <key>.nf4.codes     u8 [ceil(N/16)*16, K/2]  4-bit codes in gemm_nf4's panel layout
//   <key>.nf4.absmax_q  u8 [N, K/64]             QLoRA's double-quantized block absmax codes
//   <key>.nf4.absmax2   s32 [ceil(N*K/64 / 256)] second-level constants as integers G
//   <key>.nf4.offset    i32 metadata             the absmax mean in units U
//   <key>.bias          s32 [N]                  bias at gemm_nf4's output scale
// and "<key>.scale" holds the per-channel dyadics S_in S_w(n) / S_out[n], where
// S_w(n) = 2^25 U / (127 R(n)) is gemm_nf4's per-channel weight scale (W ~= W8 * S_w(n)) and
// R(n) = floor((2^25 - 1) / max(1, max_b |mult(n, b)|)) its channel reciprocal; the bias is at
// S_in S_w(n). R is not stored: the loader derives it from the tensors above
// (Nf4ChannelRecips). With "embeddings", "embed.word" is replaced the same way (no
// bias/scale) and embed.scales' word dyadic is (U/127) / S_c (the gather's level * mult).
// Older NF4 files (per-block rounded sums with one accumulator scale S_in U 2^s / 127 per
// tensor, and before them the int32-less form) carry no "nf4.form": their tensors would load
// but mean other numbers here, so the loader refuses them by that key and names the fix
// (reconvert the checkpoint).
#ifndef INTFORMER_MODELS_BERT_SCHEMA_H_
#define INTFORMER_MODELS_BERT_SCHEMA_H_

#include <cstdint>
#include <string>

namespace intformer {
namespace bert {

constexpr const char* kSchemaKey = "intformer.schema";
constexpr const char* kSchemaValue = "bert-classifier/1";

// The NF4 integer form this runtime computes (metadata "nf4.form"; see NF4 TENSORS).
constexpr const char* kNf4FormKey = "nf4.form";
constexpr int32_t kNf4Form = 2;

// Number of i32 in the packed constant arrays above.
constexpr size_t kSoftmaxConsts = 5;
constexpr size_t kGeluConsts = 10;
constexpr size_t kAddConsts = 4;
constexpr size_t kEmbedConsts = 6;

inline std::string LayerKey(int layer, const char* suffix) {
  return "layer." + std::to_string(layer) + "." + suffix;
}

}  // namespace bert
}  // namespace intformer

#endif  // INTFORMER_MODELS_BERT_SCHEMA_H_
