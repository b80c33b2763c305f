/// @file intformer.h
/// The public C API of intformer, an integer-only transformer runtime.
///
/// Pure C (usable from C, C++, and any FFI), `extern "C"`, opaque handles (added later), every
/// fallible call returns an ::intformer_status. The ABI is stable within a major version: status
/// values never change meaning or number, new codes are only appended inside their group, and a
/// changed signature becomes a new `_v2` entry point.
#ifndef INTFORMER_INTFORMER_H_
#define INTFORMER_INTFORMER_H_

/// Marks a symbol exported from the intformer library. Builds of a shared intformer define
/// INTFORMER_BUILD_SHARED; Windows consumers of that DLL define INTFORMER_SHARED. Static builds
/// (the default) need neither.
#if defined(_WIN32)
#if defined(INTFORMER_BUILD_SHARED)
#define INTFORMER_API __declspec(dllexport)
#elif defined(INTFORMER_SHARED)
#define INTFORMER_API __declspec(dllimport)
#else
#define INTFORMER_API
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define INTFORMER_API __attribute__((visibility("default")))
#else
#define INTFORMER_API
#endif

/// Major version of the library: changes only with an ABI break.
#define INTFORMER_VERSION_MAJOR 0
/// Minor version: new entry points or status codes, ABI compatible.
#define INTFORMER_VERSION_MINOR 1
/// Patch version: fixes only.
#define INTFORMER_VERSION_PATCH 0
/// The version as one comparable integer: major * 10000 + minor * 100 + patch.
#define INTFORMER_VERSION \
  (INTFORMER_VERSION_MAJOR * 10000 + INTFORMER_VERSION_MINOR * 100 + INTFORMER_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/// Result of every fallible intformer call. Values are stable forever (they cross the ABI and
/// appear in logs); they are grouped by who must act: the caller (1..), the environment (10..),
/// the model file (20..), the input (40..). New codes are appended to their group.
typedef enum intformer_status {
  /// Success.
  INTFORMER_OK = 0,

  /// A null pointer, a zero size, an option out of range, a misaligned buffer: the call is
  /// wrong, whatever the model or input.
  INTFORMER_ERROR_INVALID_ARGUMENT = 1,
  /// A precondition of the library itself failed: a bug in intformer, please report it.
  INTFORMER_ERROR_INTERNAL = 2,

  /// The operating system refused a file operation (open, read, mmap, write, fsync, rename).
  INTFORMER_ERROR_IO = 10,
  /// An allocation failed.
  INTFORMER_ERROR_OUT_OF_MEMORY = 11,

  /// The data does not start with the intformer model magic: not a model file at all.
  INTFORMER_ERROR_BAD_MAGIC = 20,
  /// The model file has a major format version this library cannot read (newer, or retired).
  INTFORMER_ERROR_UNSUPPORTED_VERSION = 21,
  /// A section's stored checksum does not match its bytes: the file was damaged after writing.
  INTFORMER_ERROR_CHECKSUM_MISMATCH = 22,
  /// The file ends before its header says it does (incomplete download or copy).
  INTFORMER_ERROR_TRUNCATED_FILE = 23,
  /// The file is internally inconsistent: offsets, sizes, counts, dimensions, names or types
  /// that the format forbids, although its checksums may match (a buggy or hostile writer).
  INTFORMER_ERROR_CORRUPT_FILE = 24,
  /// The weights were packed for a kernel family or ISA this build or this CPU cannot run.
  INTFORMER_ERROR_TARGET_MISMATCH = 25,
  /// A well-formed file describing a model this library does not implement (unknown
  /// architecture, missing or mistyped metadata, unexpected tensor shapes).
  INTFORMER_ERROR_UNSUPPORTED_MODEL = 26,

  /// An input token id is outside the model's vocabulary.
  INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE = 40,
  /// The input sequence is longer than the model's maximum sequence length.
  INTFORMER_ERROR_INPUT_TOO_LONG = 41,
  /// The tokenizer could not encode the input text (e.g. invalid UTF-8).
  INTFORMER_ERROR_TOKENIZER = 42
} intformer_status;

/// A short, static, English description of `status` ("checksum mismatch"); never NULL.
/// Unknown values give "unknown status".
INTFORMER_API const char* intformer_status_string(intformer_status status);

/// The library version as "MAJOR.MINOR.PATCH" (static storage); may differ from the
/// INTFORMER_VERSION_* macros the caller compiled against when the library was swapped.
INTFORMER_API const char* intformer_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // INTFORMER_INTFORMER_H_
