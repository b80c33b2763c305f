#include "models/format_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "models/format_internal.h"

namespace intformer {

using format::DType;
using format::MetaType;
using namespace format_internal;  // NOLINT: byte helpers only

namespace {

Status Invalid(const char* what, std::string_view name, const char* why) {
  return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "%s '%.*s': %s", what,
                 static_cast<int>(std::min<size_t>(name.size(), 300)), name.data(), why);
}

uint64_t Align(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

void Append(std::vector<uint8_t>* v, const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  v->insert(v->end(), b, b + n);
}
template <class T>
void AppendLe(std::vector<uint8_t>* v, T x) {
  uint8_t b[sizeof(T)];
  Store(b, x);
  Append(v, b, sizeof(T));
}
void PadTo8(std::vector<uint8_t>* v) { v->resize(Align(v->size(), 8), 0); }

}  // namespace

ModelWriter::ModelWriter(uint32_t target_pack_format, format::IsaId target_isa)
    : target_pack_format_(target_pack_format), target_isa_(target_isa) {}

Status ModelWriter::AddEntry(std::string_view key, uint32_t type, const void* data, size_t size) {
  if (!format::ValidName(key)) return Invalid("metadata key", key, "not 1..256 bytes of [A-Za-z0-9._:/-]");
  if (keys_.count(key) != 0) return Invalid("metadata key", key, "duplicate");
  if (metadata_count_ == UINT32_MAX) return Invalid("metadata key", key, "too many entries");
  if (size != 0 && data == nullptr) return Invalid("metadata key", key, "null value");
  AppendLe<uint32_t>(&metadata_, static_cast<uint32_t>(key.size()));
  AppendLe<uint32_t>(&metadata_, type);
  AppendLe<uint64_t>(&metadata_, size);
  Append(&metadata_, key.data(), key.size());
  PadTo8(&metadata_);
  if (size != 0) Append(&metadata_, data, size);
  PadTo8(&metadata_);
  keys_.emplace(key);
  ++metadata_count_;
  return Status::Ok();
}

Status ModelWriter::AddRaw(std::string_view key, uint32_t type, const void* data, size_t size) {
  const uint8_t* v = static_cast<const uint8_t*>(data);
  if (format::KnownMetaType(type)) {
    bool ok = true;
    switch (static_cast<MetaType>(type)) {
      case MetaType::kU32: case MetaType::kI32: ok = size == 4; break;
      case MetaType::kU64: case MetaType::kI64: ok = size == 8; break;
      case MetaType::kBool: ok = size == 1 && v[0] <= 1; break;
      case MetaType::kString: ok = format::ValidUtf8NoNul(v, size); break;
      case MetaType::kBytes: break;
      case MetaType::kI32Array: ok = size % 4 == 0; break;
      case MetaType::kStringArray: {
        ok = size == 0 || v[size - 1] == 0;
        size_t start = 0;
        for (size_t i = 0; ok && i < size; ++i) {
          if (v[i] != 0) continue;
          ok = format::ValidUtf8NoNul(v + start, i - start);
          start = i + 1;
        }
        break;
      }
    }
    if (!ok) return Invalid("metadata key", key, "value does not match its type");
  }
  return AddEntry(key, type, data, size);
}

Status ModelWriter::AddU32(std::string_view key, uint32_t value) {
  return AddEntry(key, static_cast<uint32_t>(MetaType::kU32), &value, 4);
}
Status ModelWriter::AddI32(std::string_view key, int32_t value) {
  return AddEntry(key, static_cast<uint32_t>(MetaType::kI32), &value, 4);
}
Status ModelWriter::AddU64(std::string_view key, uint64_t value) {
  return AddEntry(key, static_cast<uint32_t>(MetaType::kU64), &value, 8);
}
Status ModelWriter::AddI64(std::string_view key, int64_t value) {
  return AddEntry(key, static_cast<uint32_t>(MetaType::kI64), &value, 8);
}
Status ModelWriter::AddBool(std::string_view key, bool value) {
  const uint8_t b = value ? 1 : 0;
  return AddEntry(key, static_cast<uint32_t>(MetaType::kBool), &b, 1);
}
Status ModelWriter::AddString(std::string_view key, std::string_view value) {
  return AddRaw(key, static_cast<uint32_t>(MetaType::kString), value.data(), value.size());
}
Status ModelWriter::AddBytes(std::string_view key, const void* data, size_t size) {
  return AddEntry(key, static_cast<uint32_t>(MetaType::kBytes), data, size);
}
Status ModelWriter::AddI32Array(std::string_view key, const int32_t* data, size_t count) {
  if (count > SIZE_MAX / 4) return Invalid("metadata key", key, "array too large");
  return AddEntry(key, static_cast<uint32_t>(MetaType::kI32Array), data, count * 4);
}
Status ModelWriter::AddStringArray(std::string_view key, const std::vector<std::string>& values) {
  std::vector<uint8_t> joined;
  for (const std::string& s : values) {
    Append(&joined, s.data(), s.size());
    joined.push_back(0);
  }
  return AddRaw(key, static_cast<uint32_t>(MetaType::kStringArray), joined.data(), joined.size());
}

Status ModelWriter::CheckTensor(std::string_view name, DType dtype,
                                const std::vector<uint64_t>& dims, uint32_t pack_format,
                                const void* data, size_t size) const {
  if (!format::ValidName(name)) return Invalid("tensor", name, "name is not 1..256 bytes of [A-Za-z0-9._:/-]");
  if (names_.count(name) != 0) return Invalid("tensor", name, "duplicate name");
  const size_t elem = format::DTypeSize(static_cast<uint32_t>(dtype));
  if (elem == 0) return Invalid("tensor", name, "unknown dtype");
  if (dims.size() > format::kMaxRank) return Invalid("tensor", name, "rank above 4");
  if (tensors_.size() == UINT32_MAX) return Invalid("tensor", name, "too many tensors");
  if (size == 0 || data == nullptr) return Invalid("tensor", name, "no bytes");
  uint64_t count = 1;
  for (uint64_t d : dims) {
    if (d == 0 || !CheckedMul(count, d, &count)) return Invalid("tensor", name, "zero or overflowing dimension");
  }
  if (pack_format == 0) {
    uint64_t want = 0;
    if (!CheckedMul(count, elem, &want) || want != size) {
      return Invalid("tensor", name, "size is not product(dims) * dtype size");
    }
  } else {
    if (pack_format != target_pack_format_) {
      return Invalid("tensor", name, "pack format differs from the writer's target");
    }
    if (count / 8 > size) return Invalid("tensor", name, "more than 8 elements per packed byte");
  }
  return Status::Ok();
}

Status ModelWriter::AddTensor(std::string_view name, DType dtype,
                              const std::vector<uint64_t>& dims, uint32_t pack_format,
                              const void* data, size_t size) {
  INTFORMER_RETURN_IF_ERROR(AddTensorNoCopy(name, dtype, dims, pack_format, data, size));
  Tensor& t = tensors_.back();
  t.owned.assign(t.borrowed, t.borrowed + size);
  t.borrowed = nullptr;
  return Status::Ok();
}

Status ModelWriter::AddTensorNoCopy(std::string_view name, DType dtype,
                                    const std::vector<uint64_t>& dims, uint32_t pack_format,
                                    const void* data, size_t size) {
  INTFORMER_RETURN_IF_ERROR(CheckTensor(name, dtype, dims, pack_format, data, size));
  Tensor t{};
  t.name = std::string(name);
  t.dtype = static_cast<uint32_t>(dtype);
  t.pack_format = pack_format;
  t.rank = static_cast<uint32_t>(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) t.dims[i] = dims[i];
  t.borrowed = static_cast<const uint8_t*>(data);
  t.size = size;
  tensors_.push_back(std::move(t));
  names_.emplace(name);
  return Status::Ok();
}

// Builds header and table (a few KB), then hands header, metadata, table and every blob to
// `sink` in file order with the zero padding between them; blobs are never concatenated.
Status ModelWriter::Emit(const Sink& sink, uint64_t* total_size) const {
  const uint64_t meta_offset = format::kHeaderSize;
  const uint64_t table_offset = meta_offset + metadata_.size();
  std::vector<uint8_t> table;
  uint64_t table_size = 0;
  for (const Tensor& t : tensors_) table_size += format::kTensorEntryFixedSize + Align(t.name.size(), 8);
  const uint64_t data_offset = Align(table_offset + table_size, format::kBlobAlignment);
  uint64_t cursor = data_offset;
  std::vector<uint64_t> offsets;
  for (const Tensor& t : tensors_) {
    offsets.push_back(cursor);
    AppendLe<uint32_t>(&table, static_cast<uint32_t>(t.name.size()));
    AppendLe<uint32_t>(&table, t.dtype);
    AppendLe<uint32_t>(&table, t.pack_format);
    AppendLe<uint32_t>(&table, t.rank);
    for (uint64_t d : t.dims) AppendLe<uint64_t>(&table, d);
    AppendLe<uint64_t>(&table, cursor);
    AppendLe<uint64_t>(&table, t.size);
    AppendLe<uint64_t>(&table, Checksum(t.bytes(), t.size));
    Append(&table, t.name.data(), t.name.size());
    PadTo8(&table);
    cursor = Align(cursor + t.size, format::kBlobAlignment);
  }
  // The last blob is not padded: the file ends where its bytes end.
  const uint64_t file_size =
      tensors_.empty() ? data_offset : offsets.back() + tensors_.back().size;

  uint8_t h[format::kHeaderSize] = {0};
  std::memcpy(h + kOffMagic, format::kMagic, sizeof(format::kMagic));
  Store<uint16_t>(h + kOffMajor, format::kFormatMajor);
  Store<uint16_t>(h + kOffMinor, minor_);
  Store<uint64_t>(h + kOffFileSize, file_size);
  Store<uint32_t>(h + kOffTargetPack, target_pack_format_);
  Store<uint32_t>(h + kOffTargetIsa, static_cast<uint32_t>(target_isa_));
  Store<uint64_t>(h + kOffMetaOffset, meta_offset);
  Store<uint64_t>(h + kOffMetaSize, metadata_.size());
  Store<uint64_t>(h + kOffTableOffset, table_offset);
  Store<uint64_t>(h + kOffTableSize, table.size());
  Store<uint64_t>(h + kOffDataOffset, data_offset);
  Store<uint64_t>(h + kOffDataSize, file_size - data_offset);
  Store<uint32_t>(h + kOffMetaCount, metadata_count_);
  Store<uint32_t>(h + kOffTensorCount, static_cast<uint32_t>(tensors_.size()));
  Store<uint64_t>(h + kOffMetaChecksum, Checksum(metadata_.data(), metadata_.size()));
  Store<uint64_t>(h + kOffTableChecksum, Checksum(table.data(), table.size()));
  Store<uint64_t>(h + kOffHeaderChecksum, Checksum(h, kOffHeaderChecksum));

  static const uint8_t kZeros[format::kBlobAlignment] = {0};
  const auto io_error = [] { return StatusF(INTFORMER_ERROR_IO, "write failed: %s", strerror(errno)); };
  if (!sink(h, sizeof(h)) || !sink(metadata_.data(), metadata_.size()) ||
      !sink(table.data(), table.size()) ||
      !sink(kZeros, data_offset - table_offset - table.size())) {
    return io_error();
  }
  uint64_t written = data_offset;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    if (!sink(kZeros, offsets[i] - written) || !sink(tensors_[i].bytes(), tensors_[i].size)) {
      return io_error();
    }
    written = offsets[i] + tensors_[i].size;
  }
  *total_size = file_size;
  return Status::Ok();
}

Status ModelWriter::Finish(std::vector<uint8_t>* out) const {
  if (out == nullptr) return StatusF(INTFORMER_ERROR_INVALID_ARGUMENT, "null output");
  out->clear();
  uint64_t size = 0;
  try {
    return Emit([out](const uint8_t* p, size_t n) { Append(out, p, n); return true; }, &size);
  } catch (const std::bad_alloc&) {
    out->clear();
    return StatusF(INTFORMER_ERROR_OUT_OF_MEMORY, "model file does not fit in memory");
  }
}

Status ModelWriter::WriteFile(const std::string& path, const WriteFileOptions& options) const {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return StatusF(INTFORMER_ERROR_IO, "cannot create '%s': %s", tmp.c_str(), strerror(errno));
  }
  uint64_t written = 0;
  const Sink sink = [&](const uint8_t* p, size_t n) {
    while (n > 0) {
      size_t chunk = n < (size_t{1} << 30) ? n : (size_t{1} << 30);
      if (written + chunk > options.fail_after_bytes) {
        chunk = static_cast<size_t>(options.fail_after_bytes - written);
        if (chunk == 0) {
          errno = ENOSPC;
          return false;
        }
      }
      const ssize_t r = write(fd, p, chunk);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      p += r;
      n -= static_cast<size_t>(r);
      written += static_cast<uint64_t>(r);
    }
    return true;
  };
  uint64_t size = 0;
  Status s = Emit(sink, &size);
  if (s.ok() && fsync(fd) != 0) s = StatusF(INTFORMER_ERROR_IO, "fsync: %s", strerror(errno));
  if (close(fd) != 0 && s.ok()) s = StatusF(INTFORMER_ERROR_IO, "close: %s", strerror(errno));
  if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    s = StatusF(INTFORMER_ERROR_IO, "rename to '%s': %s", path.c_str(), strerror(errno));
  }
  if (!s.ok()) {
    unlink(tmp.c_str());
    return Status(s.code(), "writing '" + path + "': " + s.message());
  }
  // Make the rename itself durable; the file is complete either way, so failures are ignored.
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + (slash == 0));
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

}  // namespace intformer
