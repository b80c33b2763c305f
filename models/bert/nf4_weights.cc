#include "models/bert/nf4_weights.h"

#include "models/bert/schema.h"

namespace intformer {
namespace bert {
namespace {

Status Bad(const std::string& what) { return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, what); }

Status Plain(const ModelFile& f, const std::string& name, format::DType dtype,
             std::initializer_list<uint64_t> dims, const void** data) {
  TensorView t;
  INTFORMER_RETURN_IF_ERROR(f.GetTensor(name, &t));
  bool ok = t.dtype == dtype && t.pack_format == 0 && t.rank == dims.size();
  size_t i = 0;
  for (uint64_t d : dims) ok = ok && t.dims[i++] == d;
  if (!ok) return Bad("tensor '" + name + "': unexpected dtype, packing or shape");
  *data = t.data;
  return Status::Ok();
}

inline bool InRange(int32_t id, size_t rows) { return id >= 0 && uint64_t(id) < rows; }

}  // namespace

Status BindNf4(const ModelFile& f, const std::string& key, size_t n, size_t k,
               const int32_t* dq_code, const int32_t* bias, std::vector<int32_t>* recip,
               Nf4Matrix* out) {
  if (dq_code == nullptr) return Bad("'" + key + "': NF4 tensors but no metadata 'nf4.dq_code'");
  if (k % kNf4Block != 0) return Bad("'" + key + "': NF4 needs K a multiple of 64");
  Nf4Matrix m;
  m.n = n;
  m.k = k;
  m.dq_code = dq_code;
  m.bias = bias;
  const void* p = nullptr;
  using format::DType;
  INTFORMER_RETURN_IF_ERROR(
      Plain(f, key + ".nf4.codes", DType::kU8, {Nf4Panels(n) * kNf4Panel, k / 2}, &p));
  m.codes = static_cast<const uint8_t*>(p);
  INTFORMER_RETURN_IF_ERROR(Plain(f, key + ".nf4.absmax_q", DType::kU8, {n, k / kNf4Block}, &p));
  m.absmax_q = static_cast<const uint8_t*>(p);
  INTFORMER_RETURN_IF_ERROR(Plain(f, key + ".nf4.absmax2", DType::kS32, {Nf4Groups(n, k)}, &p));
  m.absmax2 = static_cast<const int32_t*>(p);
  INTFORMER_RETURN_IF_ERROR(f.GetI32(key + ".nf4.offset", &m.offset));
  // R(n) walks every block's multiplier once and the check walks them again: two passes over
  // n * k / 64 blocks (BERT-base: 1.7 M in all). Nf4ChannelRecips is safe on unchecked
  // constants (int64 products, a nonzero divisor), so the check may come after it.
  recip->resize(n);
  Nf4ChannelRecips(m, recip->data());
  m.recip = recip->data();
  const char* why = nullptr;
  if (!Nf4MatrixValid(m, &why)) return Bad("NF4 '" + key + "': " + why);
  *out = m;
  return Status::Ok();
}

Status CheckNf4Form(const ModelFile& f) {
  if (f.FindMetadata(kNf4FormKey) == nullptr) {
    return Bad(std::string("NF4 tensors in an older integer form (per-block rounded sums; no "
                           "metadata '") +
               kNf4FormKey + "'): reconvert the checkpoint with this converter");
  }
  int32_t form = 0;
  INTFORMER_RETURN_IF_ERROR(f.GetI32(kNf4FormKey, &form));
  if (form != kNf4Form) {
    return Bad(std::string("NF4 tensors in integer form '") + kNf4FormKey + "' = " +
               std::to_string(form) + ", this runtime computes form " + std::to_string(kNf4Form) +
               (form < kNf4Form ? " (older: per-block rounded sums): reconvert the checkpoint "
                                  "with this converter"
                                : " (newer): load it with a newer intformer"));
  }
  return Status::Ok();
}

EmbeddingResult EmbeddingGatherSumNf4(const int32_t* word_ids, const int32_t* pos_ids,
                                      const int32_t* type_ids, size_t tokens, int32_t* dst,
                                      const Nf4Matrix& word, const EmbeddingParams& p,
                                      const EmbeddingKernel& kernel) {
  EmbeddingResult r;
  const bool has_type = p.type.data != nullptr;
  if (p.hidden == 0 || word.codes == nullptr || word.k != p.hidden || p.pos.data == nullptr ||
      (tokens > 0 && (word_ids == nullptr || pos_ids == nullptr))) {
    r.status = EmbeddingStatus::kBadParams;
    return r;
  }
  for (size_t t = 0; t < tokens; ++t) {  // every id first: nothing is written on failure
    r.token = t;
    if (!InRange(word_ids[t], word.n)) r.status = EmbeddingStatus::kBadWordId;
    else if (!InRange(pos_ids[t], p.pos.rows)) r.status = EmbeddingStatus::kBadPosId;
    else if (has_type && type_ids != nullptr && !InRange(type_ids[t], p.type.rows))
      r.status = EmbeddingStatus::kBadTypeId;
    if (!r.ok()) return r;
  }
  r.token = 0;
  const size_t hd = p.hidden;
  for (size_t t = 0; t < tokens; ++t) {
    int32_t* row = dst + t * hd;
    Nf4GatherRow(word, size_t(word_ids[t]), row);
    const int8_t* pos = p.pos.data + size_t(pos_ids[t]) * hd;
    const int8_t* type =
        has_type ? p.type.data + (type_ids != nullptr ? size_t(type_ids[t]) : 0) * hd : nullptr;
    kernel.sum_rows_s32(row, pos, type, row, hd, p);
  }
  return r;
}

}  // namespace bert
}  // namespace intformer
