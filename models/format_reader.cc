#include "models/format_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <new>

#include "models/format_internal.h"
#include "runtime/cpu.h"

namespace intformer {

using format::MetaType;
using namespace format_internal;  // NOLINT: byte helpers only

namespace {

#define CORRUPT(...) StatusF(INTFORMER_ERROR_CORRUPT_FILE, __VA_ARGS__)

using u64 = unsigned long long;  // for %llu without casts all over

bool IsaFromId(uint32_t id, Isa* isa) {
  switch (static_cast<format::IsaId>(id)) {
    case format::IsaId::kScalar: *isa = Isa::kScalar; return true;
    case format::IsaId::kAvx2: *isa = Isa::kAvx2; return true;
    case format::IsaId::kAvx512: *isa = Isa::kAvx512; return true;
    case format::IsaId::kAvx512Vnni: *isa = Isa::kAvx512Vnni; return true;
    case format::IsaId::kNeon: *isa = Isa::kNeon; return true;
    case format::IsaId::kNeonDot: *isa = Isa::kNeonDot; return true;
    case format::IsaId::kI8mm: *isa = Isa::kI8mm; return true;
  }
  return false;
}

}  // namespace

uint64_t TensorView::element_count() const {
  uint64_t n = 1;
  for (uint32_t i = 0; i < rank; ++i) n *= dims[i];  // verified not to overflow at open
  return n;
}

ModelFile::~ModelFile() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_size_);
}

Status ModelFile::OpenPath(const std::string& path, const ReaderOptions& options,
                           std::unique_ptr<ModelFile>* out) {
  if (out == nullptr) return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "null output");
  out->reset();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return StatusF(INTFORMER_ERROR_IO, "cannot open '%s': %s", path.c_str(), strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    close(fd);
    return StatusF(INTFORMER_ERROR_IO, "'%s' is not a readable regular file%s%s", path.c_str(),
                   err ? ": " : "", err ? strerror(err) : "");
  }
  if (st.st_size == 0) {
    close(fd);
    return StatusF(INTFORMER_ERROR_TRUNCATED_FILE, "'%s' is empty (0 bytes)", path.c_str());
  }
  if (static_cast<uint64_t>(st.st_size) > SIZE_MAX) {
    close(fd);
    return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "'%s' is too large to map in this address space",
                   path.c_str());
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  close(fd);
  if (p == MAP_FAILED) {
    return StatusF(err == ENOMEM ? INTFORMER_ERROR_OUT_OF_MEMORY : INTFORMER_ERROR_IO,
                   "cannot mmap '%s': %s", path.c_str(), strerror(err));
  }
  std::unique_ptr<ModelFile> file(new (std::nothrow) ModelFile());
  if (file == nullptr) {
    munmap(p, size);
    return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "ModelFile");
  }
  file->mapping_ = p;
  file->mapping_size_ = size;
  file->base_ = static_cast<const uint8_t*>(p);
  file->size_ = size;
  Status s = file->Parse(options);
  if (!s.ok()) return Status(s.code(), "'" + path + "': " + s.message());
  *out = std::move(file);
  return Status::Ok();
}

Status ModelFile::OpenBuffer(const void* data, size_t size, const ReaderOptions& options,
                             std::unique_ptr<ModelFile>* out) {
  if (out == nullptr) return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "null output");
  out->reset();
  if (data == nullptr) return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "null buffer");
  if (size == 0) return StatusF(INTFORMER_ERROR_TRUNCATED_FILE, "empty buffer (0 bytes)");
  std::unique_ptr<ModelFile> file(new (std::nothrow) ModelFile());
  if (file == nullptr) return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "ModelFile");
  file->base_ = static_cast<const uint8_t*>(data);
  file->size_ = size;
  if (reinterpret_cast<uintptr_t>(data) % format::kBlobAlignment != 0) {
    if (!options.copy_unaligned_buffer) {
      return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT,
                     "buffer at %p is not 64-byte aligned (its blobs must be); align it or set "
                     "ReaderOptions::copy_unaligned_buffer",
                     data);
    }
    const size_t rounded = (size + format::kBlobAlignment - 1) & ~(format::kBlobAlignment - 1);
    void* copy = rounded >= size ? std::aligned_alloc(format::kBlobAlignment, rounded) : nullptr;
    if (copy == nullptr) {
      return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "cannot copy the %zu-byte buffer", size);
    }
    std::memcpy(copy, data, size);
    file->owned_ = std::unique_ptr<uint8_t, void (*)(void*)>(static_cast<uint8_t*>(copy), std::free);
    file->base_ = file->owned_.get();
  }
  INTFORMER_RETURN_IF_ERROR(file->Parse(options));
  *out = std::move(file);
  return Status::Ok();
}

Status ModelFile::Parse(const ReaderOptions& options) {
  try {
    INTFORMER_RETURN_IF_ERROR(ParseHeader(options));
    INTFORMER_RETURN_IF_ERROR(ParseMetadata());
    INTFORMER_RETURN_IF_ERROR(ParseTable(options));
    if (options.verify_blobs) INTFORMER_RETURN_IF_ERROR(VerifyBlobs());
  } catch (const std::bad_alloc&) {
    return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "while indexing the model file");
  }
  return Status::Ok();
}

Status ModelFile::ParseHeader(const ReaderOptions& options) {
  const uint8_t* h = base_;
  const size_t magic_bytes = std::min(size_, sizeof(format::kMagic));
  if (std::memcmp(h, format::kMagic, magic_bytes) != 0) {
    char seen[3 * 8 + 1] = {0};
    for (size_t i = 0; i < magic_bytes; ++i) std::snprintf(seen + 3 * i, 4, "%02x ", h[i]);
    return StatusF(INTFORMER_ERROR_BAD_MAGIC,
                   "starts with %snot the model magic 89 49 46 4d 0d 0a 1a 0a", seen);
  }
  if (size_ < kOffMinor + 2) {
    return StatusF(INTFORMER_ERROR_TRUNCATED_FILE, "%zu bytes end inside the magic or version",
                   size_);
  }
  major_ = Load<uint16_t>(h + kOffMajor);
  minor_ = Load<uint16_t>(h + kOffMinor);
  if (major_ != format::kFormatMajor) {
    return StatusF(INTFORMER_ERROR_UNSUPPORTED_VERSION,
                   "format version %u.%u; this reader reads major %u (up to %u.%u)", major_,
                   minor_, format::kFormatMajor, format::kFormatMajor, format::kFormatMinor);
  }
  if (size_ < format::kHeaderSize) {
    return StatusF(INTFORMER_ERROR_TRUNCATED_FILE, "%zu bytes, shorter than the %zu-byte header",
                   size_, format::kHeaderSize);
  }
  const uint64_t stored = Load<uint64_t>(h + kOffHeaderChecksum);
  const uint64_t computed = Checksum(h, kOffHeaderChecksum);
  if (stored != computed) {
    return StatusF(INTFORMER_ERROR_CHECKSUM_MISMATCH,
                   "header checksum: stored %016" PRIx64 ", computed %016" PRIx64, stored, computed);
  }
  const uint64_t file_size = Load<uint64_t>(h + kOffFileSize);
  if (size_ < file_size) {
    return StatusF(INTFORMER_ERROR_TRUNCATED_FILE, "%zu bytes, the header says %llu (%llu missing)",
                   size_, (u64)file_size, (u64)(file_size - size_));
  }
  if (size_ > file_size) {
    return CORRUPT("%zu bytes, the header says %llu: %llu trailing bytes", size_, (u64)file_size,
                   (u64)(size_ - file_size));
  }
  newer_minor_ = minor_ > format::kFormatMinor;
  if (!newer_minor_) {
    const uint32_t flags = Load<uint32_t>(h + kOffFlags);
    if (flags != 0) return CORRUPT("unknown header flags 0x%x in a %u.%u file", flags, major_, minor_);
    if (!AllZero(h + kOffReserved, kReservedSize)) return CORRUPT("reserved header bytes are not zero");
  }

  meta_offset_ = Load<uint64_t>(h + kOffMetaOffset);
  meta_size_ = Load<uint64_t>(h + kOffMetaSize);
  table_offset_ = Load<uint64_t>(h + kOffTableOffset);
  table_size_ = Load<uint64_t>(h + kOffTableSize);
  data_offset_ = Load<uint64_t>(h + kOffDataOffset);
  data_size_ = Load<uint64_t>(h + kOffDataSize);
  meta_count_ = Load<uint32_t>(h + kOffMetaCount);
  tensor_count_ = Load<uint32_t>(h + kOffTensorCount);
  if (meta_offset_ != format::kHeaderSize) {
    return CORRUPT("metadata offset %llu, must be %zu", (u64)meta_offset_, format::kHeaderSize);
  }
  if (meta_size_ % 8 != 0 || !RangeWithin(meta_offset_, meta_size_, file_size)) {
    return CORRUPT("metadata section [%llu, +%llu) is unaligned or outside the %llu-byte file",
                   (u64)meta_offset_, (u64)meta_size_, (u64)file_size);
  }
  if (table_offset_ != meta_offset_ + meta_size_) {
    return CORRUPT("tensor table offset %llu, must follow the metadata at %llu", (u64)table_offset_,
                   (u64)(meta_offset_ + meta_size_));
  }
  if (table_size_ % 8 != 0 || !RangeWithin(table_offset_, table_size_, file_size)) {
    return CORRUPT("tensor table [%llu, +%llu) is unaligned or outside the %llu-byte file",
                   (u64)table_offset_, (u64)table_size_, (u64)file_size);
  }
  uint64_t data_start = 0;
  CheckedAlign(table_offset_ + table_size_, format::kBlobAlignment, &data_start);  // <= 2^64-64
  if (data_offset_ != data_start || data_offset_ > file_size ||
      data_size_ != file_size - data_offset_) {
    return CORRUPT("data section [%llu, +%llu), must be [%llu, %llu)", (u64)data_offset_,
                   (u64)data_size_, (u64)data_start, (u64)file_size);
  }
  if (!AllZero(base_ + table_offset_ + table_size_, data_offset_ - table_offset_ - table_size_)) {
    return CORRUPT("padding before the data section is not zero");
  }
  // Every entry takes at least its fixed part: this bounds the index allocations by the file.
  if (uint64_t{meta_count_} * format::kMetaEntryFixedSize > meta_size_) {
    return CORRUPT("%u metadata entries cannot fit in %llu bytes", meta_count_, (u64)meta_size_);
  }
  if (uint64_t{tensor_count_} * format::kTensorEntryFixedSize > table_size_) {
    return CORRUPT("%u tensor entries cannot fit in %llu bytes", tensor_count_, (u64)table_size_);
  }

  target_pack_format_ = Load<uint32_t>(h + kOffTargetPack);
  target_isa_ = Load<uint32_t>(h + kOffTargetIsa);
  const char* pack_name = format::PackFormatName(target_pack_format_);
  if (pack_name == nullptr) {
    return StatusF(INTFORMER_ERROR_TARGET_MISMATCH,
                   "packed for pack format id %u, unknown to this build", target_pack_format_);
  }
  Isa isa;
  if (!IsaFromId(target_isa_, &isa)) {
    return StatusF(INTFORMER_ERROR_TARGET_MISMATCH, "targets ISA id %u, unknown to this build",
                   target_isa_);
  }
  const auto& accepted = options.accepted_pack_formats;
  if (target_pack_format_ != 0 && !accepted.empty() &&
      std::find(accepted.begin(), accepted.end(), target_pack_format_) == accepted.end()) {
    std::string list;
    for (uint32_t a : accepted) {
      const char* n = format::PackFormatName(a);
      list += (list.empty() ? "" : ", ") + std::string(n ? n : "?") + " (" + std::to_string(a) + ")";
    }
    return StatusF(INTFORMER_ERROR_TARGET_MISMATCH,
                   "weights packed for %s (pack format %u); the caller runs only %s", pack_name,
                   target_pack_format_, list.c_str());
  }
  if (options.require_isa_enabled && !IsaEnabled(isa)) {
    return StatusF(INTFORMER_ERROR_TARGET_MISMATCH,
                   "weights packed for ISA %s, which this CPU lacks or INTFORMER_MAX_ISA excludes",
                   format::IsaIdName(target_isa_));
  }

  const uint64_t meta_sum = Checksum(base_ + meta_offset_, meta_size_);
  if (meta_sum != Load<uint64_t>(h + kOffMetaChecksum)) {
    return StatusF(INTFORMER_ERROR_CHECKSUM_MISMATCH,
                   "metadata section checksum: stored %016" PRIx64 ", computed %016" PRIx64,
                   Load<uint64_t>(h + kOffMetaChecksum), meta_sum);
  }
  const uint64_t table_sum = Checksum(base_ + table_offset_, table_size_);
  if (table_sum != Load<uint64_t>(h + kOffTableChecksum)) {
    return StatusF(INTFORMER_ERROR_CHECKSUM_MISMATCH,
                   "tensor table checksum: stored %016" PRIx64 ", computed %016" PRIx64,
                   Load<uint64_t>(h + kOffTableChecksum), table_sum);
  }
  return Status::Ok();
}

const MetaEntry* ModelFile::Typed(std::string_view key, MetaType type, Status* status) const {
  const MetaEntry* m = FindMetadata(key);
  const std::string k(key);
  if (m == nullptr) {
    *status = StatusF(INTFORMER_ERROR_UNSUPPORTED_MODEL, "no metadata key '%s'", k.c_str());
  } else if (m->type != static_cast<uint32_t>(type)) {
    *status = StatusF(INTFORMER_ERROR_UNSUPPORTED_MODEL, "metadata '%s' is %s, expected %s",
                      k.c_str(), format::MetaTypeName(m->type),
                      format::MetaTypeName(static_cast<uint32_t>(type)));
    m = nullptr;
  }
  return m;
}

#define INTFORMER_SCALAR_GETTER(Name, T, kType)                    \
  Status ModelFile::Name(std::string_view key, T* out) const {     \
    Status s;                                                      \
    if (const MetaEntry* m = Typed(key, MetaType::kType, &s)) {    \
      *out = Load<T>(m->value);                                    \
    }                                                              \
    return s;                                                      \
  }
INTFORMER_SCALAR_GETTER(GetU32, uint32_t, kU32)
INTFORMER_SCALAR_GETTER(GetI32, int32_t, kI32)
INTFORMER_SCALAR_GETTER(GetU64, uint64_t, kU64)
INTFORMER_SCALAR_GETTER(GetI64, int64_t, kI64)
#undef INTFORMER_SCALAR_GETTER

Status ModelFile::GetBool(std::string_view key, bool* out) const {
  Status s;
  if (const MetaEntry* m = Typed(key, MetaType::kBool, &s)) *out = m->value[0] != 0;
  return s;
}

Status ModelFile::GetString(std::string_view key, std::string_view* out) const {
  Status s;
  if (const MetaEntry* m = Typed(key, MetaType::kString, &s)) {
    *out = std::string_view(reinterpret_cast<const char*>(m->value), m->size);
  }
  return s;
}

Status ModelFile::GetBytes(std::string_view key, const uint8_t** data, size_t* size) const {
  Status s;
  if (const MetaEntry* m = Typed(key, MetaType::kBytes, &s)) {
    *data = m->value;
    *size = m->size;
  }
  return s;
}

Status ModelFile::GetI32Array(std::string_view key, const int32_t** data, size_t* count) const {
  Status s;
  if (const MetaEntry* m = Typed(key, MetaType::kI32Array, &s)) {
    *data = reinterpret_cast<const int32_t*>(m->value);  // 8-byte aligned in the file
    *count = m->size / 4;
  }
  return s;
}

Status ModelFile::GetStringArray(std::string_view key, std::vector<std::string_view>* out) const {
  Status s;
  if (const MetaEntry* m = Typed(key, MetaType::kStringArray, &s)) {
    out->clear();
    const char* p = reinterpret_cast<const char*>(m->value);
    size_t start = 0;
    for (size_t i = 0; i < m->size; ++i) {
      if (p[i] == 0) {
        out->emplace_back(p + start, i - start);
        start = i + 1;
      }
    }
  }
  return s;
}

Status ModelFile::GetTensor(std::string_view name, TensorView* out) const {
  const TensorView* t = FindTensor(name);
  if (t == nullptr) {
    return StatusF(INTFORMER_ERROR_UNSUPPORTED_MODEL, "no tensor '%s'", std::string(name).c_str());
  }
  *out = *t;
  return Status::Ok();
}

void ModelFile::ReleaseResidentPages(const void* p, size_t size) const {
  if (mapping_ == nullptr) return;  // caller memory (OpenBuffer): never touched
  const uintptr_t base = reinterpret_cast<uintptr_t>(mapping_);
  const uintptr_t begin = reinterpret_cast<uintptr_t>(p), end = begin + size;
  if (begin < base || end > base + mapping_size_) return;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t first = (begin + page - 1) / page * page, last = end / page * page;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace intformer
