// ModelWriter: builds an intformer model file (models/format.h) in memory or streams it to disk.
//
// The writer enforces the same rules the reader verifies (names, types, shapes vs sizes,
// unique keys and names), so it cannot produce a file the reader rejects; a violation is
// answered at the Add* call with INVALID_ARGUMENT. Blobs are laid out in the order they were
// added, each at the next multiple of 64.
//
// WriteFile never leaves a half-written model at `path`: it streams into `<path>.tmp.<pid>`,
// fsyncs it, renames it over `path` (atomic on POSIX file systems), then fsyncs the directory
// (best effort). On any failure the temporary file is removed and `path` is untouched. Two
// writers of the same path in one process must not run concurrently (they share the name).
//
// Offline code (the converter, tests) is the user, but the writer itself is integer-only like
// the rest of models/.
#ifndef INTFORMER_MODELS_FORMAT_WRITER_H_
#define INTFORMER_MODELS_FORMAT_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/format.h"
#include "runtime/status.h"

namespace intformer {

struct WriteFileOptions {
  // Testing hook: the write fails as if the disk were full (ENOSPC) once this many bytes of
  // the file have been written.
  uint64_t fail_after_bytes = UINT64_MAX;
};

class ModelWriter {
 public:
  // target_pack_format: the GemmPackFormat id of every packed tensor (0: none is packed);
  // target_isa: the ISA those blobs need (format.h, TARGET).
  explicit ModelWriter(uint32_t target_pack_format = 0,
                       format::IsaId target_isa = format::IsaId::kScalar);

  Status AddU32(std::string_view key, uint32_t value);
  Status AddI32(std::string_view key, int32_t value);
  Status AddU64(std::string_view key, uint64_t value);
  Status AddI64(std::string_view key, int64_t value);
  Status AddBool(std::string_view key, bool value);
  Status AddString(std::string_view key, std::string_view value);  // UTF-8, no NUL
  Status AddBytes(std::string_view key, const void* data, size_t size);
  Status AddI32Array(std::string_view key, const int32_t* data, size_t count);
  Status AddStringArray(std::string_view key, const std::vector<std::string>& values);
  // An entry of any type id, including ones this build does not know (tools that copy
  // metadata from a newer file, forward-compatibility tests). Known types are validated.
  Status AddRaw(std::string_view key, uint32_t type, const void* data, size_t size);

  // A tensor; `dims` has 0..4 entries, each >= 1. pack_format 0 is plain row-major and needs
  // size == product(dims) * DTypeSize(dtype); otherwise it must equal the writer's target and
  // the bytes are that kernel's packed layout. AddTensor copies the bytes; AddTensorNoCopy
  // keeps the pointer, which must stay valid until the last Finish/WriteFile returns.
  Status AddTensor(std::string_view name, format::DType dtype, const std::vector<uint64_t>& dims,
                   uint32_t pack_format, const void* data, size_t size);
  Status AddTensorNoCopy(std::string_view name, format::DType dtype,
                         const std::vector<uint64_t>& dims, uint32_t pack_format,
                         const void* data, size_t size);

  // The minor version written in the header (default kFormatMinor); for forward-compatibility
  // tests of readers.
  void set_minor_version(uint16_t minor) { minor_ = minor; }

  // The whole file in memory.
  Status Finish(std::vector<uint8_t>* out) const;
  // The file at `path`, atomically (see above).
  Status WriteFile(const std::string& path, const WriteFileOptions& options = {}) const;

 private:
  struct Tensor {
    std::string name;
    uint32_t dtype, pack_format, rank;
    uint64_t dims[format::kMaxRank];
    std::vector<uint8_t> owned;
    const uint8_t* borrowed;
    size_t size;
    const uint8_t* bytes() const { return borrowed != nullptr ? borrowed : owned.data(); }
  };
  using Sink = std::function<bool(const uint8_t* data, size_t size)>;

  Status AddEntry(std::string_view key, uint32_t type, const void* data, size_t size);
  Status CheckTensor(std::string_view name, format::DType dtype,
                     const std::vector<uint64_t>& dims, uint32_t pack_format, const void* data,
                     size_t size) const;
  Status Emit(const Sink& sink, uint64_t* total_size) const;

  uint32_t target_pack_format_;
  format::IsaId target_isa_;
  uint16_t minor_ = format::kFormatMinor;
  std::vector<uint8_t> metadata_;  // encoded entries
  uint32_t metadata_count_ = 0;
  std::set<std::string, std::less<>> keys_;
  std::vector<Tensor> tensors_;
  std::set<std::string, std::less<>> names_;
};

}  // namespace intformer

#endif  // INTFORMER_MODELS_FORMAT_WRITER_H_
