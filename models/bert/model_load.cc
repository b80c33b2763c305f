// Model::Load: validates a model file against models/bert/schema.h and binds it. Every check
// that can fail on a file answers a status naming the key or tensor: UNSUPPORTED_MODEL for a
// missing key, a wrong type, size, shape or an out-of-contract constant; TARGET_MISMATCH when
// the weights are packed for a gemm_s8 kernel this machine cannot run; TOKENIZER for a bad
// stored tokenizer. NF4 files of another integer form ("nf4.form" absent or not 2) are
// UNSUPPORTED_MODEL too, like a schema of another version. Nothing is copied: tensor views
// point into the file's memory (only NF4's channel reciprocals are derived and owned).
#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>

#include "models/bert/nf4_weights.h"
#include "models/bert/schema.h"
#include "models/bert/weights.h"
#include "models/encoder.h"

namespace intformer {
namespace {

using bert::GemmWeight;
using format::DType;

static_assert(sizeof(Dyadic) == 8 && offsetof(Dyadic, shift) == 4,
              "per-channel dyadics are read in place as [mult, shift] int32 pairs");
// Nf4Matrix::recip points into the owning vector (weights.h): never copied, and moved without
// throwing (so a vector of layers reallocating would move, keeping every buffer in place).
static_assert(!std::is_copy_constructible_v<bert::Weights> &&
                  std::is_nothrow_move_constructible_v<bert::LayerWeights>,
              "bound NF4 reciprocals must not be copied away from their storage");

Status Bad(const std::string& what) { return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, what); }

class Binder {
 public:
  Binder(const ModelFile& f, const GemmKernel& k, const int32_t* dq_code)
      : f_(f), k_(k), dq_code_(dq_code) {}

  Status Plain(const std::string& name, DType dtype, std::initializer_list<uint64_t> dims,
               const void** data) {
    TensorView t;
    INTFORMER_RETURN_IF_ERROR(f_.GetTensor(name, &t));
    if (t.dtype != dtype || t.pack_format != 0) {
      return Bad("tensor '" + name + "': expected plain " + format::DTypeName(uint32_t(dtype)));
    }
    INTFORMER_RETURN_IF_ERROR(Shape(name, t, dims));
    *data = t.data;
    return Status::Ok();
  }

  // "<key>.w" packed [n, k] and "<key>.scale" s32 [n, 2] of valid dyadics.
  Status Gemm(const std::string& key, size_t n, size_t k, GemmWeight* w) {
    if (f_.FindTensor(key + ".nf4.codes") != nullptr) return GemmNf4(key, n, k, w);
    const std::string name = key + ".w";
    TensorView t;
    INTFORMER_RETURN_IF_ERROR(f_.GetTensor(name, &t));
    if (t.dtype != DType::kS8 || t.pack_format != k_.pack_format) {
      return Bad("tensor '" + name + "': expected s8 packed for " + k_.name);
    }
    INTFORMER_RETURN_IF_ERROR(Shape(name, t, {n, k}));
    if (t.size != k_.packed_size(n, k)) {
      return Bad("tensor '" + name + "': " + std::to_string(t.size) + " bytes, kernel " +
                 k_.name + " packs " + std::to_string(k_.packed_size(n, k)));
    }
    const void* s = nullptr;
    INTFORMER_RETURN_IF_ERROR(Plain(key + ".scale", DType::kS32, {n, 2}, &s));
    w->packed = t.data;
    w->scale = static_cast<const Dyadic*>(s);
    w->n = n;
    w->k = k;
    for (size_t i = 0; i < n; ++i) {
      if (!DyadicValid(w->scale[i])) return Bad("tensor '" + key + ".scale': invalid dyadic");
    }
    return Status::Ok();
  }

  // NF4 form of a GEMM weight: the QLoRA tensors, "<key>.bias" s32 [n], "<key>.scale".
  Status GemmNf4(const std::string& key, size_t n, size_t k, GemmWeight* w) {
    const void* bias = nullptr;
    const void* s = nullptr;
    INTFORMER_RETURN_IF_ERROR(Plain(key + ".bias", DType::kS32, {n}, &bias));
    INTFORMER_RETURN_IF_ERROR(Plain(key + ".scale", DType::kS32, {n, 2}, &s));
    INTFORMER_RETURN_IF_ERROR(bert::BindNf4(
        f_, key, n, k, dq_code_, static_cast<const int32_t*>(bias), &w->nf4_recip, &w->nf4));
    w->scale = static_cast<const Dyadic*>(s);
    w->n = n;
    w->k = k;
    for (size_t i = 0; i < n; ++i) {
      if (!DyadicValid(w->scale[i])) return Bad("tensor '" + key + ".scale': invalid dyadic");
    }
    return Status::Ok();
  }

  Status I32s(const std::string& key, size_t count, const int32_t** out) {
    size_t n = 0;
    INTFORMER_RETURN_IF_ERROR(f_.GetI32Array(key, out, &n));
    if (n != count) {
      return Bad("metadata '" + key + "': " + std::to_string(n) + " values, expected " +
                 std::to_string(count));
    }
    return Status::Ok();
  }

  Status Dyadics(const std::string& key, size_t count, Dyadic* out) {
    const int32_t* v = nullptr;
    INTFORMER_RETURN_IF_ERROR(I32s(key, 2 * count, &v));
    for (size_t i = 0; i < count; ++i) {
      out[i] = Dyadic{v[2 * i], v[2 * i + 1]};
      if (!DyadicValid(out[i])) return Bad("metadata '" + key + "': invalid dyadic");
    }
    return Status::Ok();
  }

  Status LayerNorm(const std::string& key, size_t c, ILayerNormParams* p) {
    const void* g = nullptr;
    const void* b = nullptr;
    INTFORMER_RETURN_IF_ERROR(Plain(key + ".gamma", DType::kS32, {c}, &g));
    INTFORMER_RETURN_IF_ERROR(Plain(key + ".bias", DType::kS32, {c}, &b));
    p->channels = c;
    p->gamma = static_cast<const int32_t*>(g);
    p->bias = static_cast<const int32_t*>(b);
    INTFORMER_RETURN_IF_ERROR(f_.GetI32(key + ".shift", &p->out_shift));
    INTFORMER_RETURN_IF_ERROR(f_.GetI64(key + ".eps", &p->eps));
    const char* why = nullptr;
    if (!ILayerNormParamsValid(*p, &why)) return Bad("i-LayerNorm '" + key + "': " + why);
    return Status::Ok();
  }

  Status Add(const std::string& key, AddParams* p) {
    Dyadic d[2];
    INTFORMER_RETURN_IF_ERROR(Dyadics(key, 2, d));
    p->a_scale = d[0];
    p->b_scale = d[1];
    return Status::Ok();
  }

 private:
  Status Shape(const std::string& name, const TensorView& t, std::initializer_list<uint64_t> d) {
    bool ok = t.rank == d.size();
    size_t i = 0;
    for (uint64_t v : d) ok = ok && t.dims[i++] == v;
    if (!ok) return Bad("tensor '" + name + "': unexpected shape");
    return Status::Ok();
  }
  const ModelFile& f_;
  const GemmKernel& k_;
  const int32_t* dq_code_;  // "nf4.dq_code" [256], or nullptr (no NF4 tensor may appear)
};

Status ReadInfo(const ModelFile& f, ModelInfo* info) {
  std::string_view s;
  INTFORMER_RETURN_IF_ERROR(f.GetString(bert::kSchemaKey, &s));
  if (s != bert::kSchemaValue) return Bad("schema '" + std::string(s) + "' is not " + bert::kSchemaValue);
  INTFORMER_RETURN_IF_ERROR(f.GetString("arch", &s));
  if (s != "bert" && s != "roberta") return Bad("arch '" + std::string(s) + "' is not bert/roberta");
  info->architecture = std::string(s);
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.hidden", &info->hidden));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.layers", &info->layers));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.heads", &info->heads));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.intermediate", &info->intermediate));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.vocab", &info->vocab));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.max_positions", &info->max_positions));
  INTFORMER_RETURN_IF_ERROR(f.GetU32("dims.type_vocab", &info->type_vocab));
  if (info->hidden == 0 || info->heads == 0 || info->hidden % info->heads != 0 ||
      info->hidden > kILayerNormMaxChannels || info->layers == 0 || info->layers > 1024 ||
      info->intermediate == 0 || info->intermediate > kGemmMaxK || info->vocab == 0 ||
      info->max_positions == 0 || info->max_positions > kISoftmaxMaxCols ||
      info->type_vocab == 0) {
    return Bad("dims: out of range (hidden divisible by heads, sizes within the kernels' limits)");
  }
  std::vector<std::string_view> labels;
  INTFORMER_RETURN_IF_ERROR(f.GetStringArray("labels", &labels));
  if (labels.empty() || labels.size() > 65536) return Bad("labels: need 1 .. 65536 entries");
  info->num_labels = static_cast<uint32_t>(labels.size());
  info->labels.assign(labels.begin(), labels.end());
  INTFORMER_RETURN_IF_ERROR(f.GetString("weights", &s));
  if (s != "int8" && s != "nf4") return Bad("weights '" + std::string(s) + "': int8 or nf4");
  info->weights = std::string(s);
  if (s == "nf4") {  // "nf4:<groups>" for humans (inspect, info strings)
    std::vector<std::string_view> groups;
    INTFORMER_RETURN_IF_ERROR(f.GetStringArray("weights.nf4", &groups));
    for (size_t i = 0; i < groups.size(); ++i) {
      info->weights += (i == 0 ? ":" : ",") + std::string(groups[i]);
    }
  }
  const int32_t* ls = nullptr;
  size_t n = 0;
  INTFORMER_RETURN_IF_ERROR(f.GetI32Array("logit_scale", &ls, &n));
  info->logit_scale = n == 2 ? Dyadic{ls[0], ls[1]} : Dyadic{-1, 0};
  if (!DyadicValid(info->logit_scale)) return Bad("metadata 'logit_scale': invalid dyadic");
  info->pack_format = f.target_pack_format();
  return Status::Ok();
}

Status BindLayer(Binder& b, const ModelInfo& info, int l, bert::LayerWeights* w) {
  const size_t H = info.hidden, I = info.intermediate;
  INTFORMER_RETURN_IF_ERROR(b.Gemm(bert::LayerKey(l, "qkv"), 3 * H, H, &w->qkv));
  INTFORMER_RETURN_IF_ERROR(b.Gemm(bert::LayerKey(l, "attn_out"), H, H, &w->attn_out));
  INTFORMER_RETURN_IF_ERROR(b.Gemm(bert::LayerKey(l, "ffn1"), I, H, &w->ffn1));
  INTFORMER_RETURN_IF_ERROR(b.Gemm(bert::LayerKey(l, "ffn2"), H, I, &w->ffn2));
  const int32_t* v = nullptr;
  const std::string sk = bert::LayerKey(l, "softmax");
  INTFORMER_RETURN_IF_ERROR(b.I32s(sk, bert::kSoftmaxConsts, &v));
  w->softmax = ISoftmaxParams{Dyadic{v[0], v[1]}, v[2], v[3], v[4]};
  if (const char* why = ISoftmaxParamsInvalid(w->softmax)) return Bad("metadata '" + sk + "': " + why);
  const std::string gk = bert::LayerKey(l, "gelu");
  INTFORMER_RETURN_IF_ERROR(b.I32s(gk, bert::kGeluConsts, &v));
  w->gelu = IGeluParams{Dyadic{v[0], v[1]}, v[2], v[3], v[4], v[5], Dyadic{v[6], v[7]},
                        Dyadic{v[8], v[9]}};
  if (const char* why = IGeluParamsInvalid(w->gelu)) return Bad("metadata '" + gk + "': " + why);
  INTFORMER_RETURN_IF_ERROR(b.Dyadics(bert::LayerKey(l, "pv.scale"), 1, &w->pv_scale));
  INTFORMER_RETURN_IF_ERROR(b.Add(bert::LayerKey(l, "attn_add"), &w->attn_add));
  INTFORMER_RETURN_IF_ERROR(b.Add(bert::LayerKey(l, "ffn_add"), &w->ffn_add));
  INTFORMER_RETURN_IF_ERROR(b.LayerNorm(bert::LayerKey(l, "attn_ln"), H, &w->attn_ln));
  return b.LayerNorm(bert::LayerKey(l, "ffn_ln"), H, &w->ffn_ln);
}

Status BindWeights(const ModelFile& f, const ModelInfo& info, const GemmKernel& kernel,
                   bert::Weights* w) {
  const int32_t* dq_code = nullptr;
  if (info.weights != "int8") {
    INTFORMER_RETURN_IF_ERROR(bert::CheckNf4Form(f));  // before anything reads NF4 tensors
    size_t count = 0;
    INTFORMER_RETURN_IF_ERROR(f.GetI32Array("nf4.dq_code", &dq_code, &count));
    if (count != 256) return Bad("metadata 'nf4.dq_code': expected 256 values");
  }
  Binder b(f, kernel, dq_code);
  const size_t H = info.hidden;
  w->gemm = &kernel;
  w->nf4_gemm = &GetNf4GemmKernel();
  w->hidden = H;
  w->heads = info.heads;
  w->head_dim = H / info.heads;
  w->intermediate = info.intermediate;
  w->labels = info.num_labels;
  INTFORMER_RETURN_IF_ERROR(f.GetI32("position.padding_idx", &w->padding_idx));
  const bool roberta = info.architecture == "roberta";
  if (roberta ? (w->padding_idx < 0 || uint32_t(w->padding_idx) + 2 >= info.max_positions)
              : w->padding_idx != -1) {
    return Bad("metadata 'position.padding_idx' does not fit the architecture");
  }
  const void* p = nullptr;
  w->embed.hidden = H;
  if (f.FindTensor("embed.word.nf4.codes") != nullptr) {  // NF4 word table, gathered exactly
    INTFORMER_RETURN_IF_ERROR(bert::BindNf4(f, "embed.word", info.vocab, H, dq_code, nullptr,
                                            &w->word_nf4_recip, &w->word_nf4));
    w->embed.word = EmbeddingTable{nullptr, info.vocab, kDyadicOne};
  } else {
    INTFORMER_RETURN_IF_ERROR(b.Plain("embed.word", DType::kS8, {info.vocab, H}, &p));
    w->embed.word = EmbeddingTable{static_cast<const int8_t*>(p), info.vocab, kDyadicOne};
  }
  INTFORMER_RETURN_IF_ERROR(b.Plain("embed.pos", DType::kS8, {info.max_positions, H}, &p));
  w->embed.pos = EmbeddingTable{static_cast<const int8_t*>(p), info.max_positions, kDyadicOne};
  INTFORMER_RETURN_IF_ERROR(b.Plain("embed.type", DType::kS8, {info.type_vocab, H}, &p));
  w->embed.type = EmbeddingTable{static_cast<const int8_t*>(p), info.type_vocab, kDyadicOne};
  Dyadic es[3];
  INTFORMER_RETURN_IF_ERROR(b.Dyadics("embed.scales", 3, es));
  w->embed.word.scale = es[0];
  w->embed.pos.scale = es[1];
  w->embed.type.scale = es[2];
  INTFORMER_RETURN_IF_ERROR(b.LayerNorm("embed.ln", H, &w->embed_ln));
  w->layers.resize(info.layers);
  for (uint32_t l = 0; l < info.layers; ++l) {
    INTFORMER_RETURN_IF_ERROR(BindLayer(b, info, static_cast<int>(l), &w->layers[l]));
  }
  INTFORMER_RETURN_IF_ERROR(b.Gemm("head.pooler", H, H, &w->pooler));
  INTFORMER_RETURN_IF_ERROR(b.Gemm("head.classifier", info.num_labels, H, &w->classifier));
  INTFORMER_RETURN_IF_ERROR(b.Plain("head.tanh", DType::kS8, {256}, &p));
  w->tanh_lut = static_cast<const int8_t*>(p);
  return Status::Ok();
}

Status LoadTokenizer(const ModelFile& f, std::unique_ptr<Tokenizer>* out) {
  const uint8_t* d = nullptr;
  size_t n = 0;
  tokenizers::TokenizerSettings settings;
  INTFORMER_RETURN_IF_ERROR(f.GetBytes("tokenizer.settings", &d, &n));
  tokenizers::Status ts = tokenizers::ParseSettings(
      std::string_view(reinterpret_cast<const char*>(d), n), &settings);
  if (!ts.ok()) return Status(INTFORMER_ERROR_TOKENIZER, "tokenizer.settings: " + ts.message);
  // The tokenizer parses the vocabulary and merges straight from the mapped file: copying them
  // first (RoBERTa: 1.3 MiB) would only raise the load-time peak of the resident set.
  INTFORMER_RETURN_IF_ERROR(f.GetBytes("tokenizer.vocab", &d, &n));
  const std::string_view vocab(reinterpret_cast<const char*>(d), n);
  INTFORMER_RETURN_IF_ERROR(f.GetBytes("tokenizer.merges", &d, &n));
  const std::string_view merges(reinterpret_cast<const char*>(d), n);
  ts = settings.kind == tokenizers::TokenizerKind::kWordPiece
           ? Tokenizer::CreateWordPiece(vocab, settings, out)
           : Tokenizer::CreateByteLevelBpe(vocab, merges, settings, out);
  if (!ts.ok()) return Status(INTFORMER_ERROR_TOKENIZER, "stored tokenizer: " + ts.message);
  return Status::Ok();
}

}  // namespace

Model::Model() = default;
Model::~Model() = default;

size_t Model::max_seq() const {
  return weights_->padding_idx < 0 ? info_.max_positions
                                   : info_.max_positions - weights_->padding_idx - 1;
}

Status Model::Load(std::unique_ptr<ModelFile> file, std::unique_ptr<Model>* out) {
  if (file == nullptr || out == nullptr) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "Model::Load: null file or output");
  }
  const GemmKernel* kernel = FindGemmKernel(file->target_pack_format());
  if (kernel == nullptr) {
    return StatusF(INTFORMER_ERROR_TARGET_MISMATCH,
                   "weights packed for gemm_s8 pack format %u, which no enabled kernel of this "
                   "build and CPU runs (convert again with --target for this machine)",
                   file->target_pack_format());
  }
  std::unique_ptr<Model> m(new Model());
  INTFORMER_RETURN_IF_ERROR(ReadInfo(*file, &m->info_));
  m->weights_.reset(new bert::Weights());
  INTFORMER_RETURN_IF_ERROR(BindWeights(*file, m->info_, *kernel, m->weights_.get()));
  INTFORMER_RETURN_IF_ERROR(LoadTokenizer(*file, &m->tokenizer_));
  if (m->tokenizer_->vocab_size() > m->info_.vocab) {
    return Bad("tokenizer: vocabulary larger than dims.vocab");
  }
  // The word table (23 MiB for BERT-base) was read whole by verification, but a pass gathers a
  // few rows: let its pages leave the resident set (peak RSS then tracks what inference uses).
  const EmbeddingTable& word = m->weights_->embed.word;
  file->ReleaseResidentPages(word.data, word.rows * m->weights_->embed.hidden);
  m->file_ = std::move(file);
  *out = std::move(m);
  return Status::Ok();
}

}  // namespace intformer
