#include "tools/convert/torch_zip.h"

#include <map>

#include "tools/convert/torch_pickle.h"
#include "tools/convert/zip_reader.h"

namespace intformer {
namespace convert {

bool LooksLikeZip(const std::vector<uint8_t>& f) {
  return f.size() >= 4 && f[0] == 'P' && f[1] == 'K' && f[2] == 3 && f[3] == 4;
}

Status ParseTorchZip(const std::vector<uint8_t>& file, const std::string& origin,
                     std::vector<RawTensor>* out) {
  out->clear();
  if (!LooksLikeZip(file)) {
    return Status(StatusCode::kBadZip, origin + ": not a zip archive (legacy non-zip torch.save "
                                                "files are not read; re-save with torch >= 1.6)");
  }
  std::vector<ZipEntry> entries;
  INTFORMER_RETURN_IF_ERROR(ReadStoredZip(file, origin, &entries));
  std::map<std::string, const ZipEntry*> by_name;
  const ZipEntry* pkl = nullptr;
  std::string prefix;
  for (const auto& e : entries) {
    by_name[e.name] = &e;
    const std::string suffix = "data.pkl";
    if (e.name.size() >= suffix.size() &&
        e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        (e.name.size() == suffix.size() || e.name[e.name.size() - suffix.size() - 1] == '/')) {
      if (pkl != nullptr) return Status(StatusCode::kBadZip, origin + ": two data.pkl entries");
      pkl = &e;
      prefix = e.name.substr(0, e.name.size() - suffix.size());
    }
  }
  if (pkl == nullptr) return Status(StatusCode::kBadZip, origin + ": no data.pkl entry");
  auto bo = by_name.find(prefix + "byteorder");
  if (bo != by_name.end()) {
    const std::string order(reinterpret_cast<const char*>(&file[bo->second->data_begin]),
                            bo->second->size);
    if (order.rfind("little", 0) != 0) {
      return Status(StatusCode::kUnsupportedLayout, origin + ": byteorder is " + order);
    }
  }

  std::vector<PickledTensor> pickled;
  INTFORMER_RETURN_IF_ERROR(
      ParseStateDictPickle(&file[pkl->data_begin], pkl->size, origin + ":" + pkl->name, &pickled));
  for (auto& p : pickled) {
    auto it = by_name.find(prefix + "data/" + p.storage_key);
    if (it == by_name.end()) {
      return Status(StatusCode::kMissingTensor,
                    origin + ": " + p.name + " refers to storage " + p.storage_key + ", absent");
    }
    RawTensor t;
    t.name = p.name;
    t.dtype = p.dtype;
    t.shape = p.shape;
    t.strides = p.strides;
    t.elem_offset = p.offset;
    t.byte_begin = it->second->data_begin;
    t.byte_len = it->second->size;
    if (p.storage_numel < 0 ||
        static_cast<uint64_t>(p.storage_numel) > t.byte_len / DTypeSize(t.dtype)) {
      return Status(StatusCode::kSizeMismatch,
                    origin + ": " + p.name + ": storage " + p.storage_key + " declares " +
                        std::to_string(p.storage_numel) + " elements but holds " +
                        std::to_string(t.byte_len) + " bytes");
    }
    t.byte_len = static_cast<size_t>(p.storage_numel) * DTypeSize(t.dtype);
    INTFORMER_RETURN_IF_ERROR(ValidateExtent(t));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace convert
}  // namespace intformer
