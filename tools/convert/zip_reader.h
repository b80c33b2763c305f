// A minimal reader for the zip container torch.save writes (PyTorch >= 1.6 "zip format"): entries
// are stored uncompressed and 64-byte aligned, and the central directory is authoritative (torch
// sets the data-descriptor flag, so local headers carry zero sizes). Only what that needs is read:
// the end-of-central-directory record (zip64 too, for checkpoints over 4 GB), central directory
// entries, and each local header's name/extra lengths to find the data. Every offset and length is
// bounds-checked against the file; a deflated entry is refused with kCompressedEntry.
#ifndef INTFORMER_TOOLS_CONVERT_ZIP_READER_H_
#define INTFORMER_TOOLS_CONVERT_ZIP_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tools/convert/status.h"

namespace intformer {
namespace convert {

struct ZipEntry {
  std::string name;
  size_t data_begin = 0;  // absolute offset of the entry's bytes in the file
  size_t size = 0;
};

Status ReadStoredZip(const std::vector<uint8_t>& file, const std::string& origin,
                     std::vector<ZipEntry>* out);

}  // namespace convert
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CONVERT_ZIP_READER_H_
