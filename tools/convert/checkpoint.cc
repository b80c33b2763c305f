#include "tools/convert/checkpoint.h"

#include <sys/stat.h>

#include <cstdio>

#include "tools/convert/safetensors.h"
#include "tools/convert/torch_zip.h"

namespace intformer {
namespace convert {
namespace {

bool IsDir(const std::string& p) {
  struct stat s;
  return stat(p.c_str(), &s) == 0 && S_ISDIR(s.st_mode);
}
bool IsFile(const std::string& p) {
  struct stat s;
  return stat(p.c_str(), &s) == 0 && S_ISREG(s.st_mode);
}
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status ReadFileBytes(const std::string& path, std::vector<uint8_t>* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status(StatusCode::kFileNotFound, path + ": cannot open");
  out->clear();
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return Status(StatusCode::kIoError, path + ": read error");
  return Status::Ok();
}

std::string CheckpointReader::NormaliseName(const std::string& stored) {
  std::string n = stored;
  for (const char* prefix : {"bert.", "roberta.", "distilbert."}) {
    const std::string p = prefix;
    if (n.compare(0, p.size(), p) == 0) {
      n = n.substr(p.size());
      break;
    }
  }
  if (EndsWith(n, ".gamma")) n = n.substr(0, n.size() - 6) + ".weight";
  if (EndsWith(n, ".beta")) n = n.substr(0, n.size() - 5) + ".bias";
  return n;
}

Result<CheckpointReader> CheckpointReader::Open(const std::string& dir_or_file) {
  std::string path = dir_or_file;
  if (IsDir(dir_or_file)) {
    const std::string st = dir_or_file + "/model.safetensors";
    const std::string bin = dir_or_file + "/pytorch_model.bin";
    // A directory shipping only half-precision weights (models/bundled/) names them so.
    const std::string st16 = dir_or_file + "/model.fp16.safetensors";
    if (IsFile(st)) {
      path = st;
    } else if (IsFile(bin)) {
      path = bin;
    } else if (IsFile(st16)) {
      path = st16;
    } else {
      return Status(StatusCode::kFileNotFound,
                    dir_or_file +
                        ": none of model.safetensors, pytorch_model.bin, model.fp16.safetensors");
    }
  } else if (!IsFile(dir_or_file)) {
    return Status(StatusCode::kFileNotFound, dir_or_file + ": no such file or directory");
  }
  std::vector<uint8_t> bytes;
  INTFORMER_RETURN_IF_ERROR(ReadFileBytes(path, &bytes));
  return FromBytes(std::move(bytes), path);
}

Result<CheckpointReader> CheckpointReader::FromBytes(std::vector<uint8_t> bytes,
                                                     const std::string& origin) {
  CheckpointReader r;
  r.origin_ = origin;
  r.bytes_ = std::move(bytes);
  std::vector<RawTensor> raw;
  // A zip signature decides: a safetensors file starts with its header length, whose low bytes
  // would have to spell "PK\3\4" (a 67 MB header) to be mistaken for one.
  if (LooksLikeZip(r.bytes_)) {
    r.format_ = Format::kTorchZip;
    INTFORMER_RETURN_IF_ERROR(ParseTorchZip(r.bytes_, origin, &raw));
  } else {
    r.format_ = Format::kSafetensors;
    INTFORMER_RETURN_IF_ERROR(ParseSafetensors(r.bytes_, origin, &raw));
  }
  for (auto& t : raw) {
    const std::string stored = t.name;
    t.name = NormaliseName(stored);
    if (!r.index_.emplace(t.name, r.tensors_.size()).second) {
      return Status(StatusCode::kBadConfig,
                    origin + ": two tensors are both named " + t.name + " after normalisation");
    }
    r.tensors_.push_back(std::move(t));
  }
  return r;
}

std::vector<std::string> CheckpointReader::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, i] : index_) names.push_back(name);
  return names;
}

const RawTensor* CheckpointReader::Info(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

Result<FloatTensor> CheckpointReader::Fetch(const std::string& name) const {
  const RawTensor* t = Info(name);
  if (t == nullptr) return Status(StatusCode::kMissingTensor, origin_ + ": no tensor " + name);
  FloatTensor out;
  out.shape = t->shape;
  Status st = Gather(*t, bytes_.data(), &out.data);
  if (!st.ok()) return Status(st.code(), origin_ + ": " + st.message());
  return out;
}

Result<FloatTensor> CheckpointReader::Fetch(const std::string& name,
                                            const std::vector<int64_t>& shape) const {
  const RawTensor* t = Info(name);
  if (t != nullptr && t->shape != shape) {
    return Status(StatusCode::kShapeMismatch, origin_ + ": " + name + " has shape " +
                                                  ShapeString(t->shape) + ", the config implies " +
                                                  ShapeString(shape));
  }
  return Fetch(name);
}

}  // namespace convert
}  // namespace intformer
