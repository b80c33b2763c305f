// Scale choices (docs/architecture.md, "Quantization points"):
//   int8 activations   S = range / 127, range = calibrated max or percentile of |x|
//   int32 activations  S = absmax / 2^kInt32RangeBits (residual streams, GELU input, logits)
//   weights            S_w[n] = max|W[n]| / 127 per output channel; tables per tensor
//   probabilities      2^-7 (i-Softmax's fixed output scale)
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "models/bert/schema.h"
#include "tools/convert/convert_graph.h"
#include "tools/convert/quantize.h"
#include "tools/convert/quantize_nf4.h"
#include "tools/offline/add_params.h"
#include "tools/offline/embedding_params.h"
#include "tools/offline/igelu_params.h"
#include "tools/offline/ilayernorm_params.h"
#include "tools/offline/isoftmax_params.h"
#include "tools/offline/lut_params.h"

namespace intformer {
namespace quant {

using bert::LayerKey;
using reference::Site;

namespace {

class Builder {
 public:
  Builder(const GraphInputs& in, ModelWriter* w) : in_(in), w_(w) {}

  Status Fetch(const std::string& name, convert::FloatTensor* t) {
    auto r = in_.ckpt->Fetch(name);
    if (!r.ok()) return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, r.status().ToString());
    *t = std::move(r.value());
    return Status::Ok();
  }

  // The real range of an activation: its calibrated maximum or percentile (int8 points).
  Status Range(Site s, int layer, bool int32_point, double* out) {
    const RangeStats* r = in_.stats->Find(s, layer);
    if (r == nullptr || r->count() == 0) {
      return StatusF(INTFORMER_ERROR_INTERNAL, "calibration saw no %s (layer %d)",
                     reference::SiteName(s), layer);
    }
    double v = r->absmax();
    if (!int32_point && in_.options->calib_method == "percentile") {
      v = r->Percentile(in_.options->calib_percentile);
    }
    *out = v > 1e-6 ? v : 1e-6;  // a dead activation still needs a positive scale
    return Status::Ok();
  }
  Status S8Scale(Site s, int layer, double* out) {
    INTFORMER_RETURN_IF_ERROR(Range(s, layer, false, out));
    *out /= 127.0;
    return Status::Ok();
  }
  Status S32Scale(Site s, int layer, int bits, double* out) {
    INTFORMER_RETURN_IF_ERROR(Range(s, layer, true, out));
    *out = std::ldexp(*out, -bits);
    return Status::Ok();
  }

  Status Linear(const std::string& key, const std::string& src, double s_in,
                const std::vector<double>& s_out, size_t n, size_t k) {
    convert::FloatTensor w, b;
    INTFORMER_RETURN_IF_ERROR(Fetch(src + ".weight", &w));
    INTFORMER_RETURN_IF_ERROR(Fetch(src + ".bias", &b));
    return AddLinear(key, w.data.data(), b.data.data(), n, k, s_in, s_out);
  }
  // The schema group a GEMM key belongs to (models/bert/schema.h).
  static const char* GroupOf(const std::string& key) {
    if (key.rfind("head.", 0) == 0) return "head";
    return key.find(".ffn") != std::string::npos ? "ffn" : "attention";
  }
  bool Nf4(const char* group) const { return HasGroup(*in_.nf4_groups, group); }

  Status AddLinear(const std::string& key, const float* w, const float* b, size_t n, size_t k,
                   double s_in, const std::vector<double>& s_out) {
    if (Nf4(GroupOf(key))) return AddNf4Linear(key, w, b, n, k, s_in, s_out, w_);
    QuantizedLinear q;
    INTFORMER_RETURN_IF_ERROR(
        QuantizeLinear(*in_.packer, key, w, b, n, k, s_in, s_out, &q));
    INTFORMER_RETURN_IF_ERROR(w_->AddTensor(key + ".w", format::DType::kS8, {n, k},
                                            in_.packer->pack_format, q.packed.data.get(),
                                            q.packed.size));
    return w_->AddTensor(key + ".scale", format::DType::kS32, {n, 2}, 0, q.scale.data(),
                         q.scale.size() * 4);
  }

  Status LayerNorm(const std::string& key, const std::string& src, double s_in, double s_out) {
    convert::FloatTensor g, b;
    INTFORMER_RETURN_IF_ERROR(Fetch(src + ".weight", &g));
    INTFORMER_RETURN_IF_ERROR(Fetch(src + ".bias", &b));
    offline::ILayerNormConstants c;
    std::string why;
    if (!offline::ILayerNormConstantsFromFloat(s_in, s_out, g.data.data(), b.data.data(),
                                               g.data.size(), in_.config->layer_norm_eps, &c,
                                               &why)) {
      return Status(INTFORMER_ERROR_INVALID_ARGUMENT, key + ": i-LayerNorm constants: " + why);
    }
    const uint64_t h = c.gamma.size();
    INTFORMER_RETURN_IF_ERROR(
        w_->AddTensor(key + ".gamma", format::DType::kS32, {h}, 0, c.gamma.data(), h * 4));
    INTFORMER_RETURN_IF_ERROR(
        w_->AddTensor(key + ".bias", format::DType::kS32, {h}, 0, c.bias.data(), h * 4));
    INTFORMER_RETURN_IF_ERROR(w_->AddI32(key + ".shift", c.out_shift));
    return w_->AddI64(key + ".eps", c.eps);
  }

  Status Add(const std::string& key, double s_a, double s_b, double* s_c) {
    offline::AddConstants c;
    std::string why;
    if (!offline::AddConstantsFromScales(s_a, s_b, &c, &why)) {
      return Status(INTFORMER_ERROR_INVALID_ARGUMENT, key + ": residual add: " + why);
    }
    const int32_t v[bert::kAddConsts] = {c.params.a_scale.mult, c.params.a_scale.shift,
                                         c.params.b_scale.mult, c.params.b_scale.shift};
    *s_c = c.s_out;
    return w_->AddI32Array(key, v, bert::kAddConsts);
  }

  Status Layer(int l, double s_h, double* s_out, std::ostringstream& rep);
  Status Embeddings(double* s_h, std::ostringstream& rep);
  Status Head(double s_h, std::ostringstream& rep);

  const GraphInputs& in_;
  ModelWriter* w_;
};

Status Builder::Embeddings(double* s_h, std::ostringstream& rep) {
  const convert::HfConfig& c = *in_.config;
  convert::FloatTensor word, pos, type;
  INTFORMER_RETURN_IF_ERROR(Fetch("embeddings.word_embeddings.weight", &word));
  INTFORMER_RETURN_IF_ERROR(Fetch("embeddings.position_embeddings.weight", &pos));
  INTFORMER_RETURN_IF_ERROR(Fetch("embeddings.token_type_embeddings.weight", &type));
  std::vector<int8_t> qw, qp, qt;
  const uint64_t H = static_cast<uint64_t>(c.hidden_size);
  const bool nf4_word = Nf4("embeddings");
  // NF4 word table: gathered as level * mult, an integer at scale U / 127 (ops/gemm_nf4).
  double sw = 0;
  if (nf4_word) {
    INTFORMER_RETURN_IF_ERROR(AddNf4Tensor("embed.word", word.data.data(),
                                           static_cast<size_t>(c.vocab_size), H, w_, &sw, nullptr));
    sw /= 127.0;
  } else {
    sw = QuantizeTensorS8(word.data.data(), word.data.size(), &qw);
  }
  const double sp = QuantizeTensorS8(pos.data.data(), pos.data.size(), &qp);
  const double st = QuantizeTensorS8(type.data.data(), type.data.size(), &qt);
  EmbeddingParams p;
  std::string why;
  const double s_c = offline::EmbeddingScales(sw, sp, st, &p, &why);
  if (s_c <= 0) return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "embeddings: " + why);
  if (!nf4_word) {
    INTFORMER_RETURN_IF_ERROR(w_->AddTensor("embed.word", format::DType::kS8,
                                            {static_cast<uint64_t>(c.vocab_size), H}, 0,
                                            qw.data(), qw.size()));
  }
  INTFORMER_RETURN_IF_ERROR(w_->AddTensor("embed.pos", format::DType::kS8,
                                          {static_cast<uint64_t>(c.max_position_embeddings), H}, 0, qp.data(), qp.size()));
  INTFORMER_RETURN_IF_ERROR(w_->AddTensor("embed.type", format::DType::kS8,
                                          {static_cast<uint64_t>(c.type_vocab_size), H}, 0, qt.data(), qt.size()));
  const int32_t sc[bert::kEmbedConsts] = {p.word.scale.mult, p.word.scale.shift, p.pos.scale.mult,
                                          p.pos.scale.shift, p.type.scale.mult, p.type.scale.shift};
  INTFORMER_RETURN_IF_ERROR(w_->AddI32Array("embed.scales", sc, bert::kEmbedConsts));
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kEmbeddingOut, -1, s_h));
  rep << "embed: word " << sw << " pos " << sp << " type " << st << " sum " << s_c << " out "
      << *s_h << "\n";
  return LayerNorm("embed.ln", "embeddings.LayerNorm", s_c, *s_h);
}

Status Builder::Layer(int l, double s_h, double* s_out, std::ostringstream& rep) {
  const convert::HfConfig& c = *in_.config;
  const size_t H = static_cast<size_t>(c.hidden_size), I = static_cast<size_t>(c.intermediate_size);
  const std::string src = "encoder.layer." + std::to_string(l) + ".";
  double sq = 0, sk = 0, sv = 0, sctx = 0, sao = 0, sa = 0, sg = 0, sgelu = 0, sf2 = 0, s_c1 = 0,
         s_c2 = 0, r1 = 0, r2 = 0;
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kQuery, l, &sq));
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kKey, l, &sk));
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kValue, l, &sv));
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kContext, l, &sctx));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kAttentionOut, l, kInt32RangeBits, &sao));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kAttentionResidual, l, kInt32RangeBits, &r1));
  sao = std::max(sao, r1);  // the sum must fit at the common scale too
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kAttentionLnOut, l, &sa));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kFfn1Out, l, kInt32RangeBits, &sg));
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kGeluOut, l, &sgelu));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kFfn2Out, l, kInt32RangeBits, &sf2));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kFfnResidual, l, kInt32RangeBits, &r2));
  sf2 = std::max(sf2, r2);
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kLayerOut, l, s_out));

  // Q, K and V as one GEMM with N = 3H: rows [Q; K; V], each block with its output scale.
  std::vector<float> w(3 * H * H), b(3 * H);
  const char* parts[3] = {"query", "key", "value"};
  for (int i = 0; i < 3; ++i) {
    convert::FloatTensor wt, bt;
    INTFORMER_RETURN_IF_ERROR(Fetch(src + "attention.self." + parts[i] + ".weight", &wt));
    INTFORMER_RETURN_IF_ERROR(Fetch(src + "attention.self." + parts[i] + ".bias", &bt));
    std::copy(wt.data.begin(), wt.data.end(), w.begin() + static_cast<long>(i * H * H));
    std::copy(bt.data.begin(), bt.data.end(), b.begin() + static_cast<long>(i * H));
  }
  std::vector<double> s_qkv(3 * H);
  for (size_t n = 0; n < 3 * H; ++n) s_qkv[n] = n < H ? sq : n < 2 * H ? sk : sv;
  INTFORMER_RETURN_IF_ERROR(AddLinear(LayerKey(l, "qkv"), w.data(), b.data(), 3 * H, H, s_h, s_qkv));

  const double s_scores = sq * sk / std::sqrt(static_cast<double>(c.head_dim()));
  ISoftmaxParams sp;
  std::string why;
  if (!offline::ISoftmaxParamsFromScale(s_scores, &sp, &why)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, LayerKey(l, "softmax") + ": " + why);
  }
  const int32_t sm[bert::kSoftmaxConsts] = {sp.to_work.mult, sp.to_work.shift, sp.diff_max,
                                            sp.poly_b, sp.poly_c};
  INTFORMER_RETURN_IF_ERROR(w_->AddI32Array(LayerKey(l, "softmax"), sm, bert::kSoftmaxConsts));
  int32_t pv[2];
  INTFORMER_RETURN_IF_ERROR(DyadicPair(LayerKey(l, "pv.scale"), sv / 128.0 / sctx, pv));
  INTFORMER_RETURN_IF_ERROR(w_->AddI32Array(LayerKey(l, "pv.scale"), pv, 2));

  INTFORMER_RETURN_IF_ERROR(Linear(LayerKey(l, "attn_out"), src + "attention.output.dense", sctx,
                                   {sao}, H, H));
  INTFORMER_RETURN_IF_ERROR(Add(LayerKey(l, "attn_add"), sao, s_h, &s_c1));
  INTFORMER_RETURN_IF_ERROR(
      LayerNorm(LayerKey(l, "attn_ln"), src + "attention.output.LayerNorm", s_c1, sa));
  INTFORMER_RETURN_IF_ERROR(Linear(LayerKey(l, "ffn1"), src + "intermediate.dense", sa, {sg}, I, H));
  IGeluParams gp;
  if (!offline::IGeluParamsFromScales(sg, sgelu, &gp, &why)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, LayerKey(l, "gelu") + ": " + why);
  }
  const int32_t gv[bert::kGeluConsts] = {gp.to_work.mult, gp.to_work.shift, gp.clip, gp.c,
                                         gp.norm_shift, gp.one, gp.out_poly.mult,
                                         gp.out_poly.shift, gp.out_lin.mult, gp.out_lin.shift};
  INTFORMER_RETURN_IF_ERROR(w_->AddI32Array(LayerKey(l, "gelu"), gv, bert::kGeluConsts));
  INTFORMER_RETURN_IF_ERROR(Linear(LayerKey(l, "ffn2"), src + "output.dense", sgelu, {sf2}, H, I));
  INTFORMER_RETURN_IF_ERROR(Add(LayerKey(l, "ffn_add"), sf2, sa, &s_c2));
  INTFORMER_RETURN_IF_ERROR(LayerNorm(LayerKey(l, "ffn_ln"), src + "output.LayerNorm", s_c2, *s_out));
  rep << "layer." << l << ": in " << s_h << " q " << sq << " k " << sk << " v " << sv
      << " scores " << s_scores << " ctx " << sctx << " attn_out " << sao << " attn_sum " << s_c1
      << " attn_ln " << sa << " ffn1 " << sg << " gelu " << sgelu << " ffn2 " << sf2
      << " ffn_sum " << s_c2 << " out " << *s_out << "\n";
  return Status::Ok();
}

Status Builder::Head(double s_h, std::ostringstream& rep) {
  const convert::HfConfig& c = *in_.config;
  const size_t H = static_cast<size_t>(c.hidden_size), L = static_cast<size_t>(c.num_labels);
  const bool roberta = in_.ckpt->Has("classifier.out_proj.weight");
  if (!roberta && !in_.ckpt->Has("pooler.dense.weight")) {
    return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL,
                  "checkpoint has no classification head (pooler.dense / classifier.dense)");
  }
  double s_pre = 0, s_logit = 0;
  INTFORMER_RETURN_IF_ERROR(S8Scale(Site::kPoolerPreTanh, -1, &s_pre));
  INTFORMER_RETURN_IF_ERROR(S32Scale(Site::kLogits, -1, kLogitRangeBits, &s_logit));
  INTFORMER_RETURN_IF_ERROR(
      Linear("head.pooler", roberta ? "classifier.dense" : "pooler.dense", s_h, {s_pre}, H, H));
  int8_t lut[256];
  std::string why;
  const double s_pooled = 1.0 / 127.0;
  if (!offline::BuildTanhLutS8(s_pre, s_pooled, lut, &why)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "head.tanh: " + why);
  }
  INTFORMER_RETURN_IF_ERROR(w_->AddTensor("head.tanh", format::DType::kS8, {256}, 0, lut, 256));
  INTFORMER_RETURN_IF_ERROR(Linear("head.classifier", roberta ? "classifier.out_proj" : "classifier",
                                   s_pooled, {s_logit}, L, H));
  int32_t ls[2];
  INTFORMER_RETURN_IF_ERROR(DyadicPair("logit_scale", s_logit, ls));
  INTFORMER_RETURN_IF_ERROR(w_->AddI32Array("logit_scale", ls, 2));
  rep << "head: in " << s_h << " pre_tanh " << s_pre << " pooled " << s_pooled << " logits "
      << s_logit << "\n";
  return Status::Ok();
}

}  // namespace

Status BuildGraph(const GraphInputs& in, const ProgressFn& progress, ModelWriter* w,
                  std::string* scales_report) {
  Builder b(in, w);
  std::ostringstream rep;
  rep.precision(6);
  const size_t layers = static_cast<size_t>(in.config->num_layers);
  double s_h = 0;
  INTFORMER_RETURN_IF_ERROR(b.Embeddings(&s_h, rep));
  for (size_t l = 0; l < layers; ++l) {
    double s_out = 0;
    INTFORMER_RETURN_IF_ERROR(b.Layer(static_cast<int>(l), s_h, &s_out, rep));
    s_h = s_out;
    if (progress) progress("quantize", l + 1, layers + 1);
  }
  INTFORMER_RETURN_IF_ERROR(b.Head(s_h, rep));
  if (progress) progress("quantize", layers + 1, layers + 1);
  *scales_report = rep.str();
  return Status::Ok();
}

}  // namespace quant
}  // namespace intformer
