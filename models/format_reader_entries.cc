// ModelFile, second half: the metadata entries, the tensor table, blob placement and the
// typed accessors. The header has been verified (format_reader.cc), so the section bounds are
// inside the file and the counts are bounded by the section sizes.
#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>

#include "models/format_internal.h"
#include "models/format_reader.h"

namespace intformer {

using format::MetaType;
using namespace format_internal;  // NOLINT: byte helpers only

namespace {

#define CORRUPT(...) StatusF(INTFORMER_ERROR_CORRUPT_FILE, __VA_ARGS__)

using u64 = unsigned long long;

// Checks a known-type value's size and content (format.h, METADATA SECTION).
const char* BadValue(uint32_t type, const uint8_t* v, uint64_t n) {
  switch (static_cast<MetaType>(type)) {
    case MetaType::kU32:
    case MetaType::kI32:
      return n == 4 ? nullptr : "value size is not 4";
    case MetaType::kU64:
    case MetaType::kI64:
      return n == 8 ? nullptr : "value size is not 8";
    case MetaType::kBool:
      if (n != 1) return "value size is not 1";
      return v[0] <= 1 ? nullptr : "bool byte is neither 0 nor 1";
    case MetaType::kString:
      return format::ValidUtf8NoNul(v, n) ? nullptr : "string is not UTF-8 without NUL";
    case MetaType::kBytes:
      return nullptr;
    case MetaType::kI32Array:
      return n % 4 == 0 ? nullptr : "i32 array size is not a multiple of 4";
    case MetaType::kStringArray: {
      if (n == 0) return nullptr;
      if (v[n - 1] != 0) return "string array does not end with NUL";
      uint64_t start = 0;
      for (uint64_t i = 0; i < n; ++i) {
        if (v[i] != 0) continue;
        if (!format::ValidUtf8NoNul(v + start, i - start)) return "string array element is not UTF-8";
        start = i + 1;
      }
      return nullptr;
    }
  }
  return nullptr;  // unknown types are the caller's decision
}

// Indices of `items` sorted by `key(item)`; the first adjacent duplicate (if any) in *dup.
template <class T, class Key>
std::vector<uint32_t> SortedIndex(const std::vector<T>& items, Key key, const T** dup) {
  std::vector<uint32_t> idx(items.size());
  for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(),
            [&](uint32_t a, uint32_t b) { return key(items[a]) < key(items[b]); });
  *dup = nullptr;
  for (size_t i = 1; i < idx.size(); ++i) {
    if (key(items[idx[i]]) == key(items[idx[i - 1]])) {
      *dup = &items[idx[i]];
      break;
    }
  }
  return idx;
}

}  // namespace

Status ModelFile::ParseMetadata() {
  metadata_.reserve(meta_count_);  // <= meta_size_ / 16, checked with the header
  const uint64_t end = meta_offset_ + meta_size_;
  uint64_t pos = meta_offset_;
  for (uint32_t i = 0; i < meta_count_; ++i) {
    if (end - pos < format::kMetaEntryFixedSize) {
      return CORRUPT("metadata entry %u starts past the section end", i);
    }
    const uint8_t* e = base_ + pos;
    const uint32_t key_len = Load<uint32_t>(e);
    const uint32_t type = Load<uint32_t>(e + 4);
    const uint64_t value_size = Load<uint64_t>(e + 8);
    if (key_len == 0 || key_len > format::kMaxNameLength) {
      return CORRUPT("metadata entry %u: key length %u not in 1..%u", i, key_len,
                     format::kMaxNameLength);
    }
    const uint64_t key_pad = (key_len + 7u) & ~7u;
    uint64_t rest = end - pos - format::kMetaEntryFixedSize;
    if (key_pad > rest) return CORRUPT("metadata entry %u: key runs past the section end", i);
    const std::string_view key(reinterpret_cast<const char*>(e + 16), key_len);
    if (!format::ValidName(key)) {
      return CORRUPT("metadata entry %u: key is not 1..256 bytes of [A-Za-z0-9._:/-]", i);
    }
    if (!AllZero(e + 16 + key_len, key_pad - key_len)) {
      return CORRUPT("metadata '%s': key padding is not zero", std::string(key).c_str());
    }
    rest -= key_pad;
    uint64_t value_pad = 0;
    if (!CheckedAlign(value_size, 8, &value_pad) || value_pad > rest) {
      return CORRUPT("metadata '%s': %llu-byte value runs past the section end",
                     std::string(key).c_str(), (u64)value_size);
    }
    const uint8_t* v = e + 16 + key_pad;
    if (!AllZero(v + value_size, value_pad - value_size)) {
      return CORRUPT("metadata '%s': value padding is not zero", std::string(key).c_str());
    }
    if (format::KnownMetaType(type)) {
      if (const char* why = BadValue(type, v, value_size)) {
        return CORRUPT("metadata '%s' (%s): %s", std::string(key).c_str(),
                       format::MetaTypeName(type), why);
      }
    } else if (!newer_minor_) {
      return CORRUPT("metadata '%s': unknown type %u in a %u.%u file", std::string(key).c_str(),
                     type, major_, minor_);
    }
    metadata_.push_back(MetaEntry{key, type, v, static_cast<size_t>(value_size)});
    pos += format::kMetaEntryFixedSize + key_pad + value_pad;
  }
  if (pos != end) {
    return CORRUPT("metadata section has %llu bytes after its %u entries", (u64)(end - pos),
                   meta_count_);
  }
  const MetaEntry* dup = nullptr;
  metadata_by_key_ = SortedIndex(metadata_, [](const MetaEntry& m) { return m.key; }, &dup);
  if (dup != nullptr) return CORRUPT("duplicate metadata key '%s'", std::string(dup->key).c_str());
  return Status::Ok();
}

Status ModelFile::ParseTable(const ReaderOptions& options) {
  tensors_.reserve(tensor_count_);  // <= table_size_ / 72, checked with the header
  const uint64_t end = table_offset_ + table_size_;
  const uint64_t data_end = data_offset_ + data_size_;
  uint64_t pos = table_offset_;
  for (uint32_t i = 0; i < tensor_count_; ++i) {
    if (end - pos < format::kTensorEntryFixedSize) {
      return CORRUPT("tensor entry %u starts past the table end", i);
    }
    const uint8_t* e = base_ + pos;
    const uint32_t name_len = Load<uint32_t>(e);
    if (name_len == 0 || name_len > format::kMaxNameLength) {
      return CORRUPT("tensor entry %u: name length %u not in 1..%u", i, name_len,
                     format::kMaxNameLength);
    }
    const uint64_t name_pad = (name_len + 7u) & ~7u;
    if (name_pad > end - pos - format::kTensorEntryFixedSize) {
      return CORRUPT("tensor entry %u: name runs past the table end", i);
    }
    TensorView t{};
    t.name = std::string_view(reinterpret_cast<const char*>(e + 72), name_len);
    if (!format::ValidName(t.name)) {
      return CORRUPT("tensor entry %u: name is not 1..256 bytes of [A-Za-z0-9._:/-]", i);
    }
    const std::string name(t.name);
    if (!AllZero(e + 72 + name_len, name_pad - name_len)) {
      return CORRUPT("tensor '%s': name padding is not zero", name.c_str());
    }
    const uint32_t dtype = Load<uint32_t>(e + 4);
    t.pack_format = Load<uint32_t>(e + 8);
    t.rank = Load<uint32_t>(e + 12);
    const uint64_t offset = Load<uint64_t>(e + 48);
    const uint64_t size = Load<uint64_t>(e + 56);
    t.checksum = Load<uint64_t>(e + 64);
    const size_t elem = format::DTypeSize(dtype);
    if (elem == 0) return CORRUPT("tensor '%s': unknown dtype %u", name.c_str(), dtype);
    t.dtype = static_cast<format::DType>(dtype);
    if (t.rank > format::kMaxRank) {
      return CORRUPT("tensor '%s': rank %u > %u", name.c_str(), t.rank, format::kMaxRank);
    }
    uint64_t count = 1;
    for (uint32_t d = 0; d < format::kMaxRank; ++d) {
      t.dims[d] = Load<uint64_t>(e + 16 + 8 * d);
      if (d < t.rank && (t.dims[d] == 0 || !CheckedMul(count, t.dims[d], &count))) {
        return CORRUPT("tensor '%s': dimension %u is %llu (zero, or the element count overflows)",
                       name.c_str(), d, (u64)t.dims[d]);
      }
      if (d >= t.rank && t.dims[d] != 0) {
        return CORRUPT("tensor '%s': dimension %u beyond rank %u is not zero", name.c_str(), d,
                       t.rank);
      }
    }
    if (t.pack_format != 0 && t.pack_format != target_pack_format_) {
      return CORRUPT("tensor '%s': pack format %u differs from the file's target %u",
                     name.c_str(), t.pack_format, target_pack_format_);
    }
    if (size == 0 || offset < data_offset_ || !RangeWithin(offset, size, data_end)) {
      return CORRUPT("tensor '%s': %llu bytes at offset %llu, outside the data section [%llu, %llu)",
                     name.c_str(), (u64)size, (u64)offset, (u64)data_offset_, (u64)data_end);
    }
    if (offset % format::kBlobAlignment != 0) {
      return CORRUPT("tensor '%s': offset %llu is not a multiple of 64", name.c_str(), (u64)offset);
    }
    if (t.pack_format == 0) {
      uint64_t want = 0;
      if (!CheckedMul(count, elem, &want) || want != size) {
        return CORRUPT("tensor '%s': %llu %s elements need %llu bytes, the entry says %llu",
                       name.c_str(), (u64)count, format::DTypeName(dtype), (u64)want, (u64)size);
      }
    } else {
      if (count > size * 8) {  // size <= file length, so no overflow
        return CORRUPT("tensor '%s': %llu elements cannot be packed in %llu bytes", name.c_str(),
                       (u64)count, (u64)size);
      }
      const uint64_t want =
          options.packed_size ? options.packed_size(t.pack_format, dtype, t.dims, t.rank) : 0;
      if (want != 0 && want != size) {
        return CORRUPT("tensor '%s': pack format %u needs %llu bytes, the entry says %llu",
                       name.c_str(), t.pack_format, (u64)want, (u64)size);
      }
    }
    t.data = base_ + offset;
    t.size = static_cast<size_t>(size);
    tensors_.push_back(t);
    pos += format::kTensorEntryFixedSize + name_pad;
  }
  if (pos != end) {
    return CORRUPT("tensor table has %llu bytes after its %u entries", (u64)(end - pos),
                   tensor_count_);
  }
  const TensorView* dup = nullptr;
  tensors_by_name_ = SortedIndex(tensors_, [](const TensorView& t) { return t.name; }, &dup);
  if (dup != nullptr) return CORRUPT("duplicate tensor name '%s'", std::string(dup->name).c_str());
  return CheckBlobPlacement();
}

Status ModelFile::CheckBlobPlacement() {
  const TensorView* dup = nullptr;  // two blobs at one offset overlap: reported below
  tensors_by_offset_ = SortedIndex(tensors_, [](const TensorView& t) { return t.data; }, &dup);
  for (size_t i = 1; i < tensors_by_offset_.size(); ++i) {
    const TensorView& a = tensors_[tensors_by_offset_[i - 1]];
    const TensorView& b = tensors_[tensors_by_offset_[i]];
    if (static_cast<const uint8_t*>(a.data) + a.size > static_cast<const uint8_t*>(b.data)) {
      return CORRUPT("tensors '%s' and '%s' overlap", std::string(a.name).c_str(),
                     std::string(b.name).c_str());
    }
  }
  return Status::Ok();
}

namespace {
// Below this many blob bytes one thread verifies them all (a thread costs tens of microseconds;
// 16 MiB of XXH3 is about a millisecond).
constexpr uint64_t kParallelVerifyBytes = uint64_t{16} << 20;
}  // namespace

Status ModelFile::VerifyBlobs() const {
  const uint8_t* cursor = base_ + data_offset_;
  uint64_t total = 0;
  for (uint32_t i : tensors_by_offset_) {
    const TensorView& t = tensors_[i];
    const uint8_t* p = static_cast<const uint8_t*>(t.data);
    if (!AllZero(cursor, static_cast<uint64_t>(p - cursor))) {
      return CORRUPT("nonzero bytes between blobs before tensor '%s'", std::string(t.name).c_str());
    }
    cursor = p + t.size;
    total += t.size;
  }
  if (!AllZero(cursor, static_cast<uint64_t>(base_ + size_ - cursor))) {
    return CORRUPT("nonzero bytes after the last blob");
  }
  // The checksums are most of a large model's load time: with a second core, a helper thread
  // takes the blobs past the half-way byte. Mismatches are reported in file order either way.
  const size_t n = tensors_by_offset_.size();
  size_t split = n;  // blobs [split, n) go to the helper thread
  if (total >= kParallelVerifyBytes && std::thread::hardware_concurrency() > 1) {
    uint64_t bytes = 0;
    for (split = 0; split < n && bytes < total / 2; ++split) {
      bytes += tensors_[tensors_by_offset_[split]].size;
    }
  }
  std::unique_ptr<uint64_t[]> sums;
  if (split < n) sums.reset(new (std::nothrow) uint64_t[n]);
  bool done = false;
  if (sums != nullptr) {
    auto run = [&](size_t begin, size_t end) {
      for (size_t k = begin; k < end; ++k) {
        const TensorView& t = tensors_[tensors_by_offset_[k]];
        sums[k] = Checksum(t.data, t.size);
      }
    };
    try {
      std::thread helper(run, split, n);
      run(0, split);
      helper.join();
      done = true;
    } catch (const std::system_error&) {  // no thread to be had: verify on this one
    }
  }
  for (size_t k = 0; k < n; ++k) {
    const TensorView& t = tensors_[tensors_by_offset_[k]];
    const uint64_t sum = done ? sums[k] : Checksum(t.data, t.size);
    if (sum != t.checksum) {
      return StatusF(INTFORMER_ERROR_CHECKSUM_MISMATCH,
                     "tensor '%s' blob checksum: stored %016" PRIx64 ", computed %016" PRIx64,
                     std::string(t.name).c_str(), t.checksum, sum);
    }
  }
  return Status::Ok();
}

const MetaEntry* ModelFile::FindMetadata(std::string_view key) const {
  auto it = std::lower_bound(metadata_by_key_.begin(), metadata_by_key_.end(), key,
                             [&](uint32_t i, std::string_view k) { return metadata_[i].key < k; });
  return it != metadata_by_key_.end() && metadata_[*it].key == key ? &metadata_[*it] : nullptr;
}

const TensorView* ModelFile::FindTensor(std::string_view name) const {
  auto it = std::lower_bound(tensors_by_name_.begin(), tensors_by_name_.end(), name,
                             [&](uint32_t i, std::string_view n) { return tensors_[i].name < n; });
  return it != tensors_by_name_.end() && tensors_[*it].name == name ? &tensors_[*it] : nullptr;
}

}  // namespace intformer
