/// @file intformer.h
/// The public C API of intformer, an integer-only transformer runtime.
///
/// Pure C (usable from C, C++, and any FFI), `extern "C"`, opaque handles, every fallible call
/// returns an ::intformer_status and puts its outputs last (`_out` parameters, written only on
/// success). The ABI is stable within a major version: status values never change meaning or
/// number, new codes are only appended inside their group, structs never change layout, and a
/// changed signature or struct becomes a new `_v2` entry point next to the old one.
///
/// Typical use:
/// @code
///   intformer_model* model;
///   if (intformer_model_load("sst2.ifm", &model) != INTFORMER_OK)
///     fprintf(stderr, "%s\n", intformer_last_error());
///   intformer_session* session;
///   intformer_session_create(model, NULL, &session);  // NULL: default options
///   size_t label;
///   intformer_session_classify(session, "a gripping film", NULL, &label, NULL);
///   intformer_session_destroy(session);
///   intformer_model_destroy(model);
/// @endcode
///
/// Errors: every call that returns a status also records a message for humans in a
/// thread-local slot, read with intformer_last_error() (empty after a success). Thread-local
/// rather than per handle because loading fails before any handle exists and because a model
/// may be shared by threads; the message is valid until the same thread's next call.
/// No C++ exception crosses this boundary: an unexpected one becomes INTFORMER_ERROR_INTERNAL
/// (std::bad_alloc becomes INTFORMER_ERROR_OUT_OF_MEMORY).
///
/// Threads: a model is immutable once loaded and may be used by any number of threads and
/// sessions at once. A session is a worker with its own buffers: one thread at a time.
///
/// Numbers: the inference core is integer-only. Logits come out as int32 at a fixed dyadic
/// scale (real = logit * logit_multiplier * 2^-logit_shift); intformer_logits_to_float() is a
/// convenience at the boundary for callers who want reals, outside the integer core.
#ifndef INTFORMER_INTFORMER_H_
#define INTFORMER_INTFORMER_H_

#include <stddef.h>
#include <stdint.h>

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

/// The message of the most recent status-returning intformer call made by the calling thread:
/// "" after a success, otherwise what went wrong and where ("model.ifm: blob 'w1' checksum
/// mismatch"). Never NULL; valid until this thread's next intformer call.
INTFORMER_API const char* intformer_last_error(void);

/// An immutable, loaded model: weights (used in place, never copied), metadata, tokenizer.
typedef struct intformer_model intformer_model;

/// A worker that runs a model: every activation buffer is sized at creation, so running
/// allocates nothing (except the tokenizer's scratch in the text entry points).
typedef struct intformer_session intformer_session;

/// Flags of intformer_model_load_buffer() (bitwise or).
enum {
  /// Use the caller's buffer in place (it must start at a 64-byte boundary and stay alive and
  /// unchanged until the model and all its sessions are destroyed).
  INTFORMER_LOAD_DEFAULT = 0,
  /// Copy the buffer once into memory the model owns; the caller may free it on return.
  /// Needed when the buffer is not 64-byte aligned.
  INTFORMER_LOAD_COPY_BUFFER = 1,
  /// Check only the header, metadata and table checksums at load, not every weight blob
  /// (faster start-up on slow storage; a damaged weight is then not detected).
  INTFORMER_LOAD_SKIP_BLOB_CHECKSUMS = 2
};

/// Loads a model file (written by `intformer convert`) from `path`, memory-mapped read-only.
/// Every byte is verified before use; a bad file yields its own status (BAD_MAGIC,
/// UNSUPPORTED_VERSION, CHECKSUM_MISMATCH, TRUNCATED_FILE, CORRUPT_FILE, TARGET_MISMATCH when
/// the weights were packed for kernels this CPU cannot run, UNSUPPORTED_MODEL).
INTFORMER_API intformer_status intformer_model_load(const char* path, intformer_model** model_out);

/// Loads a model from `size` bytes at `data` (e.g. an application asset); `flags` are
/// INTFORMER_LOAD_* values. Same verification and statuses as intformer_model_load().
INTFORMER_API intformer_status intformer_model_load_buffer(const void* data, size_t size,
                                                           uint32_t flags,
                                                           intformer_model** model_out);

/// Releases the caller's reference to `model` (NULL is a no-op). The memory goes when the last
/// session created from it is destroyed too, so sessions may outlive this call.
INTFORMER_API void intformer_model_destroy(intformer_model* model);

/// What a model is. Strings and the label array belong to the model and live as long as it or
/// any session created from it.
/// (ABI: this layout is frozen; more fields would come with intformer_model_get_info_v2.)
typedef struct intformer_model_info {
  /// "bert" or "roberta".
  const char* architecture;
  /// Weight format: "int8".
  const char* weights;
  /// The GEMM kernel family the weights are packed for ("avx2", "avx512vnni", "ref", ...).
  const char* pack_format;
  /// Hidden size, encoder layers, attention heads, FFN size.
  uint32_t hidden, layers, heads, intermediate;
  /// Token ids must be < vocab_size; type ids < type_vocab_size.
  uint32_t vocab_size, type_vocab_size;
  /// Longest input the model accepts, special tokens included.
  uint32_t max_seq;
  /// Outputs per input row (1 = a regression model).
  uint32_t num_labels;
  /// num_labels label names ("negative", "positive", ...), index = logit position.
  const char* const* labels;
  /// Scale of the int32 logits: real = logit * logit_multiplier * 2^-logit_shift.
  int32_t logit_multiplier, logit_shift;
} intformer_model_info;

/// Fills `info_out` with the description of `model`.
INTFORMER_API intformer_status intformer_model_get_info(const intformer_model* model,
                                                        intformer_model_info* info_out);

/// Tokenizes `text` (and `pair` unless NULL) with the model's own tokenizer, special tokens
/// included, truncated to `max_tokens` (longest first, as Hugging Face does). Writes up to
/// `max_tokens` ids and type ids (`type_ids_out` may be NULL) and their count.
INTFORMER_API intformer_status intformer_model_tokenize(const intformer_model* model,
                                                        const char* text, const char* pair,
                                                        size_t max_tokens, int32_t* ids_out,
                                                        int32_t* type_ids_out, size_t* count_out);

/// Session options. Initialise with intformer_session_options_init(), then change fields.
/// (ABI: layout frozen; new options would come with a _v2 struct and create call.)
typedef struct intformer_session_options {
  /// Worker threads for one run (1 = the calling thread only). Default 1.
  size_t threads;
  /// Most rows one run may take. Default 1.
  size_t max_batch;
  /// Longest row (tokens) one run may take, at most the model's max_seq. Default 128.
  size_t max_seq;
  /// Optional caller memory for every activation buffer (64-byte aligned, at least
  /// intformer_session_scratch_size() bytes, alive until the session is destroyed). NULL: the
  /// session allocates its own.
  void* arena;
  /// Bytes at `arena`.
  size_t arena_size;
} intformer_session_options;

/// Sets `options_out` to the defaults (1 thread, batch 1, 128 tokens, own memory).
INTFORMER_API void intformer_session_options_init(intformer_session_options* options_out);

/// The arena size a session with `options` needs (its `arena` fields are ignored).
INTFORMER_API intformer_status intformer_session_scratch_size(
    const intformer_model* model, const intformer_session_options* options, size_t* size_out);

/// Creates a session for `model`; `options` NULL means the defaults.
INTFORMER_API intformer_status intformer_session_create(const intformer_model* model,
                                                        const intformer_session_options* options,
                                                        intformer_session** session_out);

/// Destroys `session` (NULL is a no-op).
INTFORMER_API void intformer_session_destroy(intformer_session* session);

/// Runs the model on token ids: `ids`, `type_ids` and `mask` are [batch x seq] row-major;
/// `type_ids` may be NULL (all 0); mask 1 = token, 0 = padding (each row needs a token).
/// Writes [batch x num_labels] int32 logits at the model's logit scale. Bad ids answer
/// TOKEN_ID_OUT_OF_RANGE, too long rows INPUT_TOO_LONG; the session stays usable.
INTFORMER_API intformer_status intformer_session_run(intformer_session* session,
                                                     const int32_t* ids, const int32_t* type_ids,
                                                     const uint8_t* mask, size_t batch,
                                                     size_t seq, int32_t* logits_out);

/// Runs the model on `batch` UTF-8 texts (NUL-terminated), each alone or with its pair
/// (`pairs` NULL, or `pairs[i]` NULL, for single texts). Each row is tokenized with the
/// model's tokenizer and truncated to the session's max_seq, as Hugging Face's
/// truncation=True does. Writes [batch x num_labels] int32 logits.
INTFORMER_API intformer_status intformer_session_run_text(intformer_session* session,
                                                          const char* const* texts,
                                                          const char* const* pairs, size_t batch,
                                                          int32_t* logits_out);

/// Classifies one text (or a pair; `pair` may be NULL): the index of the highest logit, and
/// the num_labels logits themselves unless `logits_out` is NULL.
INTFORMER_API intformer_status intformer_session_classify(intformer_session* session,
                                                          const char* text, const char* pair,
                                                          size_t* label_out, int32_t* logits_out);

/// The index of the highest of `count` logits (the first on ties; 0 when count is 0).
INTFORMER_API size_t intformer_argmax(const int32_t* logits, size_t count);

/// Converts `count` int32 logits of `model` to reals, each the float nearest to
/// logit * logit_multiplier * 2^-logit_shift. A convenience at the boundary, outside the
/// integer core: the result is assembled bit by bit with integer operations, so it is exact
/// (correctly rounded) and needs no floating-point unit.
INTFORMER_API intformer_status intformer_logits_to_float(const intformer_model* model,
                                                         const int32_t* logits, size_t count,
                                                         float* reals_out);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // INTFORMER_INTFORMER_H_
