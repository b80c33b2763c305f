// ModelFile: a verified, read-only view of an intformer model file (models/format.h).
//
// Two sources:
//   - OpenPath maps the file read-only (mmap, MAP_PRIVATE); blobs are used in place, never
//     copied. The mapping lives as long as the ModelFile. The file must not be modified in
//     place while mapped (a shrinking file turns reads into SIGBUS); ModelWriter replaces
//     files by rename, which leaves an existing mapping intact.
//   - OpenBuffer reads a caller's memory (e.g. an app asset). Nothing is copied: the caller
//     keeps the buffer alive and unchanged for the whole life of the ModelFile and of every
//     view taken from it. Blobs must be 64-byte aligned in memory for the kernels, so the
//     buffer must start at a 64-byte boundary; otherwise OpenBuffer answers INVALID_ARGUMENT,
//     unless ReaderOptions::copy_unaligned_buffer is set, in which case the whole buffer is
//     copied once into an owned 64-byte aligned allocation (and the caller's may be freed).
//
// Nothing is trusted before it is verified: Open* checks, in format.h's VERIFICATION ORDER,
// the magic, version, every size, offset and count against the file length with
// overflow-checked arithmetic, the alignment of every blob, every name, type and shape, and
// the checksums. The header, metadata and table checksums are always verified (they cover a
// few kilobytes, plus the vocabulary). Blob checksums are verified at open by default: XXH3
// reads at memory bandwidth (roughly 10-30 GB/s per core on current x86, a few GB/s on an ARM
// board), so a 110 MB BERT-base int8 file costs ~5-40 ms once it is in the page cache, plus
// reading every page from storage on a cold start. With verify_blobs = false the pages are only
// touched when first used, and VerifyBlobs() can run the check later. Allocations are bounded
// by the file length: a hostile count or size is rejected before any memory is reserved.
#ifndef INTFORMER_MODELS_FORMAT_READER_H_
#define INTFORMER_MODELS_FORMAT_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/format.h"
#include "runtime/status.h"

namespace intformer {

struct ReaderOptions {
  // Verify every blob's checksum at open (see the cost above).
  bool verify_blobs = true;
  // Pack formats (GemmPackFormat ids) the caller can run; empty accepts any id this build
  // knows. A file whose target_pack_format is not listed is TARGET_MISMATCH. 0 (plain) is
  // always accepted.
  std::vector<uint32_t> accepted_pack_formats;
  // Also require that the CPU implements the file's target_isa and INTFORMER_MAX_ISA admits
  // it (runtime/cpu.h IsaEnabled); TARGET_MISMATCH otherwise.
  bool require_isa_enabled = false;
  // OpenBuffer only: copy a buffer that is not 64-byte aligned instead of rejecting it.
  bool copy_unaligned_buffer = false;
  // Exact size rule for packed tensors: returns the byte size a tensor of this pack format,
  // dtype and logical shape must have, or 0 when it has no opinion. nullptr: only the bound
  // product(dims) <= 8 * size is checked (format.h, TENSOR TABLE).
  uint64_t (*packed_size)(uint32_t pack_format, uint32_t dtype, const uint64_t* dims,
                          uint32_t rank) = nullptr;
};

// One tensor, in place in the file's memory.
struct TensorView {
  std::string_view name;
  format::DType dtype;
  uint32_t pack_format;  // 0: plain row-major
  uint32_t rank;
  uint64_t dims[format::kMaxRank];  // dims[i] for i < rank; 0 beyond
  const void* data;                 // 64-byte aligned
  size_t size;                      // bytes
  uint64_t checksum;

  uint64_t element_count() const;
};

// One metadata entry, in place. `type` may be unknown to this build (files of a newer minor).
struct MetaEntry {
  std::string_view key;
  uint32_t type;
  const uint8_t* value;  // 8-byte aligned
  size_t size;
};

class ModelFile {
 public:
  static Status OpenPath(const std::string& path, const ReaderOptions& options,
                         std::unique_ptr<ModelFile>* out);
  static Status OpenBuffer(const void* data, size_t size, const ReaderOptions& options,
                           std::unique_ptr<ModelFile>* out);
  ~ModelFile();
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;

  uint16_t major_version() const { return major_; }
  uint16_t minor_version() const { return minor_; }
  uint32_t target_pack_format() const { return target_pack_format_; }
  uint32_t target_isa() const { return target_isa_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }

  // Metadata in file order (for inspect) and typed lookup by key. A missing key or another
  // type is UNSUPPORTED_MODEL naming the key: the file is valid, the model is not one the
  // caller can run. Views point into the file.
  const std::vector<MetaEntry>& metadata() const { return metadata_; }
  const MetaEntry* FindMetadata(std::string_view key) const;
  Status GetU32(std::string_view key, uint32_t* out) const;
  Status GetI32(std::string_view key, int32_t* out) const;
  Status GetU64(std::string_view key, uint64_t* out) const;
  Status GetI64(std::string_view key, int64_t* out) const;
  Status GetBool(std::string_view key, bool* out) const;
  Status GetString(std::string_view key, std::string_view* out) const;
  Status GetBytes(std::string_view key, const uint8_t** data, size_t* size) const;
  Status GetI32Array(std::string_view key, const int32_t** data, size_t* count) const;
  Status GetStringArray(std::string_view key, std::vector<std::string_view>* out) const;

  // Tensors in table order, and lookup by name (UNSUPPORTED_MODEL when absent).
  const std::vector<TensorView>& tensors() const { return tensors_; }
  const TensorView* FindTensor(std::string_view name) const;
  Status GetTensor(std::string_view name, TensorView* out) const;

  // Verifies every blob checksum and that the bytes between blobs are zero (done by Open*
  // unless ReaderOptions::verify_blobs is false).
  Status VerifyBlobs() const;

  // Hints that [p, p + size) (inside this file) is read sparsely from now on: when the file is
  // mapped from disk, the whole pages of the range leave the resident set (MADV_DONTNEED on a
  // read-only private file mapping: later reads fault them back from the page cache, same
  // bytes). Does nothing for OpenBuffer's caller memory. Used for embedding tables, which
  // verification reads whole but inference only gathers rows from.
  void ReleaseResidentPages(const void* p, size_t size) const;

 private:
  ModelFile() = default;
  Status Parse(const ReaderOptions& options);
  Status ParseHeader(const ReaderOptions& options);
  Status ParseMetadata();
  Status ParseTable(const ReaderOptions& options);
  Status CheckBlobPlacement();
  const MetaEntry* Typed(std::string_view key, format::MetaType type, Status* status) const;

  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;  // munmap on destruction when set
  size_t mapping_size_ = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> owned_{nullptr, nullptr};  // copy of a buffer

  uint16_t major_ = 0, minor_ = 0;
  uint32_t target_pack_format_ = 0, target_isa_ = 0;
  uint64_t meta_offset_ = 0, meta_size_ = 0, table_offset_ = 0, table_size_ = 0;
  uint64_t data_offset_ = 0, data_size_ = 0;
  uint32_t meta_count_ = 0, tensor_count_ = 0;
  bool newer_minor_ = false;

  std::vector<MetaEntry> metadata_;
  std::vector<uint32_t> metadata_by_key_;  // indices sorted by key
  std::vector<TensorView> tensors_;
  std::vector<uint32_t> tensors_by_name_;    // indices sorted by name
  std::vector<uint32_t> tensors_by_offset_;  // indices sorted by blob offset
};

}  // namespace intformer

#endif  // INTFORMER_MODELS_FORMAT_READER_H_
