// The intformer model file, format version 1.0. This comment is the normative specification;
// models/format_reader.cc and models/format_writer.cc implement it, docs/format.md summarises it.
//
// Goals: one file holds everything the runtime needs (architecture, dimensions, labels,
// tokenizer settings and vocabulary, every quantization constant, the weights already packed
// for one GEMM kernel family); it is mmap-ed read-only and used in place, never copied; every
// byte is verified before use; a damaged or hostile file yields a named status, never a crash
// or a large allocation. Nothing the runtime interprets is a float: quantization constants are
// integers (Dyadic multiplier/shift pairs etc.); real-valued scales may be kept for humans as
// strings or bytes that the runtime never reads.
//
// ENCODING. All integers are little-endian, unsigned unless said otherwise, with no implicit
// padding: every field sits at the offset given below. "align8(x)" / "align64(x)" round x up to
// a multiple of 8 / 64. "XXH3(range)" is XXH3_64bits (xxHash 0.8, seed 0) of those bytes.
// All padding bytes are zero. The runtime runs on little-endian hosts only (both implementations
// refuse to compile elsewhere).
//
// FILE LAYOUT. Four sections, in this order, with nothing else in the file:
//   [0, 128)                         header
//   [128, 128 + M)                   metadata section, M = metadata_size (a multiple of 8)
//   [128 + M, 128 + M + T)           tensor table, T = table_size (a multiple of 8)
//   [128 + M + T, D)                 zero padding, D = data_offset = align64(128 + M + T)
//   [D, D + data_size)               data section: the tensor blobs; D + data_size = file_size
//
// HEADER (128 bytes)
//   off size field
//     0   8  magic               89 49 46 4D 0D 0A 1A 0A ("\x89IFM\r\n\x1a\n": the high byte
//                                and CR LF / ^Z / LF catch 7-bit and text-mode transfers, as PNG)
//     8   2  major               1. A reader rejects any other major (UNSUPPORTED_VERSION).
//    10   2  minor               0. A reader accepts any minor of its major; see VERSIONING.
//    12   4  flags               0 (no flags are defined in 1.0)
//    16   8  file_size           total length of the file in bytes
//    24   4  target_pack_format  GemmPackFormat id (ops/gemm_s8/gemm_s8.h) every packed tensor
//                                uses; 0 when no tensor is packed. See TARGET.
//    28   4  target_isa          the ISA the packed blobs need (an IsaId below)
//    32   8  metadata_offset     128
//    40   8  metadata_size       M
//    48   8  table_offset        128 + M
//    56   8  table_size          T
//    64   8  data_offset         D = align64(128 + M + T)
//    72   8  data_size           file_size - D
//    80   4  metadata_count      number of metadata entries
//    84   4  tensor_count        number of tensor table entries
//    88   8  metadata_checksum   XXH3(file[128, 128 + M))
//    96   8  table_checksum      XXH3(file[128 + M, 128 + M + T))
//   104  16  reserved            zero
//   120   8  header_checksum     XXH3(file[0, 120))
// The offsets are redundant with the sizes on purpose: a reader checks they agree exactly.
//
// METADATA SECTION: metadata_count entries back to back, each starting 8-byte aligned:
//   off size field
//     0   4  key_length          1..kMaxNameLength
//     4   4  type                a MetaType
//     8   8  value_size          bytes of the value (see the types)
//    16   K  key                 key_length bytes, zero-padded to K = align8(key_length)
//  16+K   V  value               value_size bytes, zero-padded to V = align8(value_size)
// Keys are unique and use only [A-Za-z0-9._:/-] (see ValidName). Values start 8-byte aligned
// in the file, so arrays can be read in place. Types and their value_size:
//   1 u32 (4)  2 i32 (4)  3 u64 (8)  4 i64 (8)  5 bool (1; the byte is 0 or 1)
//   6 string: UTF-8 without NUL bytes, no terminator (any length)
//   7 bytes: opaque (any length), e.g. the vocabulary, or a float the runtime never reads
//   8 i32 array: value_size / 4 elements (value_size a multiple of 4)
//   9 string array: each element as UTF-8 without NUL followed by one NUL byte; value_size 0
//     is the empty array, otherwise the last byte is NUL.
// The keys a model needs (architecture, dims, labels, tokenizer, quantization constants) are
// defined by the model code that reads them, not here; the format only types them.
//
// TENSOR TABLE: tensor_count entries back to back, each starting 8-byte aligned:
//   off size field
//     0   4  name_length         1..kMaxNameLength
//     4   4  dtype               a DType
//     8   4  pack_format         0: plain row-major; else target_pack_format (see TARGET)
//    12   4  rank                0..kMaxRank (0 is a scalar)
//    16  32  dims[4]             u64 each; dims[i] >= 1 for i < rank, 0 for i >= rank
//    48   8  offset              absolute file offset of the blob, a multiple of 64
//    56   8  size                blob length in bytes, >= 1
//    64   8  checksum            XXH3(file[offset, offset + size))
//    72   N  name                name_length bytes, zero-padded to N = align8(name_length)
// Names are unique, same alphabet as keys. Size rules: a plain tensor has exactly
// product(dims) * DTypeSize(dtype) bytes. A packed tensor's dims are the logical shape of the
// operand before packing (for gemm_s8 weights [N, K]); its size is what the pack format's
// packed_size gives, which only the kernel knows: the reader checks the bound
// product(dims) <= 8 * size (so no element count exceeds the file) and the caller may supply
// the exact rule (ReaderOptions::packed_size).
//
// DATA SECTION. Every blob lies inside [data_offset, data_offset + data_size) and starts at a
// multiple of 64 from the start of the file; blobs do not overlap; bytes not in any blob are
// zero. Writers place the blobs in table order, each at the next multiple of 64. Blobs are
// covered by their own checksums, so a reader may verify them lazily (ModelFile::VerifyBlobs).
//
// TARGET. Packed blobs are only meaningful to the kernel family that packed them. The header
// names that family (target_pack_format, a GemmPackFormat id, stable forever) and the ISA it
// requires (target_isa). Every tensor's pack_format is 0 or target_pack_format. A reader that
// does not know the id, or whose caller does not accept it (ReaderOptions), answers
// TARGET_MISMATCH; the converter writes one file per target.
//
// VERSIONING. major changes when a 1.x reader could misread the file: layout, a field's
// meaning, a new dtype, anything the runtime must understand to compute. minor changes for
// additions an older reader can safely ignore: new metadata keys, new metadata types, meanings
// for flags or reserved bytes. So a reader
//   - rejects major != kFormatMajor (UNSUPPORTED_VERSION);
//   - on a file whose minor is newer than its own, ignores flags and reserved bytes, and
//     skips metadata entries of unknown type (they are listed but never interpreted);
//   - on a file of its own or an older minor, requires flags and reserved bytes to be zero
//     and every metadata type to be known (CORRUPT_FILE otherwise).
// An unknown tensor dtype is always CORRUPT_FILE.
//
// VERIFICATION ORDER (each step's failure is the status reported): magic (BAD_MAGIC; a file
// shorter than 8 bytes that is a prefix of the magic, including an empty one, is
// TRUNCATED_FILE), major (UNSUPPORTED_VERSION), at least 128 bytes (TRUNCATED_FILE), header
// checksum (CHECKSUM_MISMATCH), file_size vs actual length (TRUNCATED_FILE if shorter,
// CORRUPT_FILE if longer), header fields (CORRUPT_FILE), target (TARGET_MISMATCH), metadata
// and table checksums (CHECKSUM_MISMATCH), entries and blob placement (CORRUPT_FILE), then
// per blob in offset order: the zero bytes before it (CORRUPT_FILE) and its checksum
// (CHECKSUM_MISMATCH). All arithmetic on file values is overflow-checked, every allocation is
// bounded by the file length (an entry takes at least 16 bytes of its section).
#ifndef INTFORMER_MODELS_FORMAT_H_
#define INTFORMER_MODELS_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the intformer model file is read in place: little-endian hosts only"
#endif

namespace intformer {
namespace format {

constexpr uint8_t kMagic[8] = {0x89, 'I', 'F', 'M', '\r', '\n', 0x1a, '\n'};
constexpr uint16_t kFormatMajor = 1;
constexpr uint16_t kFormatMinor = 0;

constexpr size_t kHeaderSize = 128;
constexpr size_t kHeaderChecksumOffset = 120;
constexpr size_t kMetaEntryFixedSize = 16;
constexpr size_t kTensorEntryFixedSize = 72;
constexpr size_t kBlobAlignment = 64;
constexpr uint32_t kMaxNameLength = 256;
constexpr uint32_t kMaxRank = 4;

enum class MetaType : uint32_t {
  kU32 = 1,
  kI32 = 2,
  kU64 = 3,
  kI64 = 4,
  kBool = 5,
  kString = 6,
  kBytes = 7,
  kI32Array = 8,
  kStringArray = 9,
};

enum class DType : uint32_t {
  kS8 = 1,
  kU8 = 2,  // also the carrier of sub-byte packings (e.g. nf4) under a pack format
  kS16 = 3,
  kU16 = 4,
  kS32 = 5,
  kU32 = 6,
  kS64 = 7,
};

// Stable ISA ids of header.target_isa (independent of runtime/cpu.h's enum order).
enum class IsaId : uint32_t {
  kScalar = 0,
  kAvx2 = 1,
  kAvx512 = 2,
  kAvx512Vnni = 3,
  kNeon = 16,
  kNeonDot = 17,
  kI8mm = 18,
};

// Bytes per element; 0 for an unknown dtype.
size_t DTypeSize(uint32_t dtype);
// "s8", "u8", ...; "?" for an unknown dtype.
const char* DTypeName(uint32_t dtype);
// "u32", ..., "string_array"; "?" for an unknown type.
const char* MetaTypeName(uint32_t type);
// True for a MetaType this build knows.
bool KnownMetaType(uint32_t type);
// "plain" (0), "ref", "avx2", ... for the GemmPackFormat ids; nullptr for an unknown id.
const char* PackFormatName(uint32_t pack_format);
// "scalar", "avx2", ...; nullptr for an unknown id.
const char* IsaIdName(uint32_t isa);
// Key / tensor name rule: 1..kMaxNameLength bytes of [A-Za-z0-9._:/-].
bool ValidName(std::string_view name);
// Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF) without NUL bytes.
bool ValidUtf8NoNul(const uint8_t* s, size_t n);

}  // namespace format
}  // namespace intformer

#endif  // INTFORMER_MODELS_FORMAT_H_
