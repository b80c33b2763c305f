#include "tools/convert/zip_reader.h"

namespace intformer {
namespace convert {
namespace {

constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kLocalSig = 0x04034b50;

// Little-endian loads; callers check bounds first.
uint64_t Load(const std::vector<uint8_t>& f, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | f[at + static_cast<size_t>(i)];
  return v;
}

bool Fits(const std::vector<uint8_t>& f, uint64_t at, uint64_t len) {
  return at <= f.size() && len <= f.size() - at;
}

Status Bad(const std::string& origin, const std::string& what) {
  return Status(StatusCode::kBadZip, origin + ": " + what);
}

}  // namespace

Status ReadStoredZip(const std::vector<uint8_t>& f, const std::string& origin,
                     std::vector<ZipEntry>* out) {
  out->clear();
  if (f.size() < 22) return Status(StatusCode::kTruncated, origin + ": too short for a zip archive");
  // The EOCD record is the last 22 bytes plus a comment of up to 65535 bytes.
  size_t eocd = f.size();
  const size_t lowest = f.size() > 22 + 65535 ? f.size() - 22 - 65535 : 0;
  for (size_t at = f.size() - 22 + 1; at-- > lowest;) {
    if (Load(f, at, 4) == kEocdSig) {
      eocd = at;
      break;
    }
  }
  if (eocd == f.size()) return Bad(origin, "no end-of-central-directory record (not a zip, or truncated)");
  uint64_t count = Load(f, eocd + 10, 2);
  uint64_t cd_size = Load(f, eocd + 12, 4);
  uint64_t cd_offset = Load(f, eocd + 16, 4);
  if (count == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu) {
    // zip64: the locator sits right before the EOCD and points at the zip64 EOCD record.
    if (eocd < 20 || Load(f, eocd - 20, 4) != kZip64LocatorSig) {
      return Bad(origin, "zip64 fields without a zip64 locator");
    }
    const uint64_t z = Load(f, eocd - 20 + 8, 8);
    if (!Fits(f, z, 56) || Load(f, static_cast<size_t>(z), 4) != kZip64EocdSig) {
      return Bad(origin, "zip64 end-of-central-directory record out of range");
    }
    count = Load(f, static_cast<size_t>(z) + 32, 8);
    cd_size = Load(f, static_cast<size_t>(z) + 40, 8);
    cd_offset = Load(f, static_cast<size_t>(z) + 48, 8);
  }
  if (!Fits(f, cd_offset, cd_size)) return Status(StatusCode::kTruncated, origin + ": central directory beyond the end of the file");
  if (count > cd_size / 46) return Bad(origin, "more entries than the central directory can hold");

  size_t at = static_cast<size_t>(cd_offset);
  const size_t cd_end = static_cast<size_t>(cd_offset + cd_size);
  for (uint64_t i = 0; i < count; ++i) {
    if (at + 46 > cd_end || Load(f, at, 4) != kCentralSig) {
      return Bad(origin, "central directory entry " + std::to_string(i) + " malformed");
    }
    const uint64_t method = Load(f, at + 10, 2);
    uint64_t csize = Load(f, at + 20, 4);
    uint64_t usize = Load(f, at + 24, 4);
    const size_t name_len = static_cast<size_t>(Load(f, at + 28, 2));
    const size_t extra_len = static_cast<size_t>(Load(f, at + 30, 2));
    const size_t comment_len = static_cast<size_t>(Load(f, at + 32, 2));
    uint64_t local = Load(f, at + 42, 4);
    if (at + 46 + name_len + extra_len + comment_len > cd_end) {
      return Bad(origin, "central directory entry " + std::to_string(i) + " overruns the directory");
    }
    ZipEntry e;
    e.name.assign(reinterpret_cast<const char*>(&f[at + 46]), name_len);
    // zip64 extra field (id 1): the 64-bit values of the fields saturated at 0xffffffff, in order.
    for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = Load(f, x, 2), len = Load(f, x + 2, 2);
      if (x + 4 + len > at + 46 + name_len + extra_len) return Bad(origin, e.name + ": bad extra field");
      if (id == 1) {
        size_t p = x + 4;
        uint64_t* fields[] = {&usize, &csize, &local};
        for (uint64_t* fld : fields) {
          if (*fld != 0xffffffffu) continue;
          if (p + 8 > x + 4 + len) return Bad(origin, e.name + ": short zip64 extra field");
          *fld = Load(f, p, 8);
          p += 8;
        }
      }
      x += 4 + static_cast<size_t>(len);
    }
    if (method != 0) {
      return Status(StatusCode::kCompressedEntry,
                    origin + ": entry " + e.name + " is compressed (method " +
                        std::to_string(method) + "); torch.save stores entries uncompressed");
    }
    if (csize != usize) return Bad(origin, e.name + ": stored entry with differing sizes");
    if (!Fits(f, local, 30) || Load(f, static_cast<size_t>(local), 4) != kLocalSig) {
      return Bad(origin, e.name + ": local header out of range or malformed");
    }
    const uint64_t data = local + 30 + Load(f, static_cast<size_t>(local) + 26, 2) +
                          Load(f, static_cast<size_t>(local) + 28, 2);
    if (!Fits(f, data, usize)) {
      return Status(StatusCode::kTruncated, origin + ": entry " + e.name + " runs past the end of the file");
    }
    e.data_begin = static_cast<size_t>(data);
    e.size = static_cast<size_t>(usize);
    out->push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
  return Status::Ok();
}

}  // namespace convert
}  // namespace intformer
