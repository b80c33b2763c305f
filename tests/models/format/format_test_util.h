// Helpers for the model file tests: a small sample model, 64-byte aligned buffers, and byte
// surgery on a valid file that re-seals the checksums, so that a test reaches the structural
// check it targets instead of stopping at a checksum.
#ifndef INTFORMER_TESTS_MODELS_FORMAT_FORMAT_TEST_UTIL_H_
#define INTFORMER_TESTS_MODELS_FORMAT_FORMAT_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "models/format.h"
#include "models/format_internal.h"
#include "models/format_reader.h"
#include "models/format_writer.h"
#include "ops/gemm_s8/gemm_s8.h"

namespace intformer {
namespace test {

using Bytes = std::vector<uint8_t>;
namespace fi = format_internal;

// A copy of `bytes` at a 64-byte aligned address (plus `misalign` bytes).
class AlignedBuffer {
 public:
  explicit AlignedBuffer(const Bytes& bytes, size_t misalign = 0)
      : mem_(static_cast<uint8_t*>(std::aligned_alloc(64, (bytes.size() + misalign + 64) & ~size_t{63})),
             std::free),
        data_(mem_.get() + misalign),
        size_(bytes.size()) {
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
  }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<uint8_t, void (*)(void*)> mem_;
  uint8_t* data_;
  size_t size_;
};

inline Status OpenBytes(const Bytes& bytes, std::unique_ptr<ModelFile>* out,
                        const ReaderOptions& options = {}) {
  static std::vector<std::unique_ptr<AlignedBuffer>> keep;  // views outlive the call
  keep.push_back(std::make_unique<AlignedBuffer>(bytes));
  return ModelFile::OpenBuffer(keep.back()->data(), keep.back()->size(), options, out);
}

inline Status OpenBytes(const Bytes& bytes, const ReaderOptions& options = {}) {
  AlignedBuffer buf(bytes);
  std::unique_ptr<ModelFile> file;
  return ModelFile::OpenBuffer(buf.data(), buf.size(), options, &file);
}

// The sample model: every metadata type, plain tensors of several dtypes and ranks, and one
// tensor packed for gemm_s8's avx2 layout.
struct Sample {
  std::vector<int8_t> word;      // "emb.word"  s8 [10, 8]
  std::vector<uint8_t> packed;   // "l0.w1"     s8 [16, 8] packed avx2, 192 bytes
  std::vector<int32_t> gamma;    // "ln.gamma"  s32 [8]
  std::vector<int16_t> odd;      // "t.a"       s16 [3] (6 bytes: padded before the next blob)
  std::vector<int8_t> other;     // "t.b"       s8 [2, 3, 1, 5]
  int64_t scalar = -1234567890123;  // "scalar" s64 rank 0
  std::vector<int32_t> consts = {1 << 30, -7, 0, INT32_MIN, INT32_MAX};
  std::string vocab;  // bytes, including 0xff and NUL
};

inline Sample MakeSample() {
  Sample s;
  static const char kVocab[] = "[PAD]\n[UNK]\nhello\n\xff\x00raw";
  s.vocab.assign(kVocab, sizeof(kVocab) - 1);
  for (int i = 0; i < 80; ++i) s.word.push_back(static_cast<int8_t>(i * 37 - 128));
  for (int i = 0; i < 192; ++i) s.packed.push_back(static_cast<uint8_t>(i * 11 + 3));
  for (int i = 0; i < 8; ++i) s.gamma.push_back(i * 1000003 - 4000000);
  s.odd = {-32768, 1, 32767};
  for (int i = 0; i < 30; ++i) s.other.push_back(static_cast<int8_t>(100 - i));
  return s;
}

inline void FillWriter(const Sample& s, ModelWriter* w) {
  ASSERT_TRUE(w->AddString("architecture", "bert").ok());
  ASSERT_TRUE(w->AddU32("bert.hidden_size", 768).ok());
  ASSERT_TRUE(w->AddI32("quant.shift", -31).ok());
  ASSERT_TRUE(w->AddU64("tokenizer.vocab_size", 30522).ok());
  ASSERT_TRUE(w->AddI64("quant.big", INT64_MIN).ok());
  ASSERT_TRUE(w->AddBool("tokenizer.lowercase", true).ok());
  ASSERT_TRUE(w->AddStringArray("labels", {"negative", "positive", "", "n\xc3\xa9utre"}).ok());
  ASSERT_TRUE(w->AddBytes("tokenizer.vocab", s.vocab.data(), s.vocab.size()).ok());
  ASSERT_TRUE(w->AddI32Array("quant.consts", s.consts.data(), s.consts.size()).ok());
  ASSERT_TRUE(w->AddString("info.scales", "S_h=0.0123").ok());
  ASSERT_TRUE(w->AddTensor("emb.word", format::DType::kS8, {10, 8}, 0, s.word.data(), 80).ok());
  ASSERT_TRUE(w->AddTensor("l0.w1", format::DType::kS8, {16, 8}, kPackAvx2, s.packed.data(), 192).ok());
  ASSERT_TRUE(w->AddTensor("ln.gamma", format::DType::kS32, {8}, 0, s.gamma.data(), 32).ok());
  ASSERT_TRUE(w->AddTensorNoCopy("t.a", format::DType::kS16, {3}, 0, s.odd.data(), 6).ok());
  ASSERT_TRUE(w->AddTensor("t.b", format::DType::kS8, {2, 3, 1, 5}, 0, s.other.data(), 30).ok());
  ASSERT_TRUE(w->AddTensor("scalar", format::DType::kS64, {}, 0, &s.scalar, 8).ok());
}

inline Bytes SampleBytes(uint16_t minor = format::kFormatMinor) {
  static const Sample s = MakeSample();
  ModelWriter w(kPackAvx2, format::IsaId::kAvx2);
  w.set_minor_version(minor);
  FillWriter(s, &w);
  Bytes out;
  EXPECT_TRUE(w.Finish(&out).ok());
  return out;
}

template <class T>
T Get(const Bytes& b, size_t off) {
  return fi::Load<T>(b.data() + off);
}
template <class T>
void Put(Bytes* b, size_t off, T v) {
  fi::Store<T>(b->data() + off, v);
}

// Recomputes the metadata, table and header checksums from the header's own offsets.
inline void Reseal(Bytes* b) {
  const uint64_t mo = Get<uint64_t>(*b, fi::kOffMetaOffset), ms = Get<uint64_t>(*b, fi::kOffMetaSize);
  const uint64_t to = Get<uint64_t>(*b, fi::kOffTableOffset), ts = Get<uint64_t>(*b, fi::kOffTableSize);
  if (mo <= b->size() && ms <= b->size() - mo) {
    Put<uint64_t>(b, fi::kOffMetaChecksum, fi::Checksum(b->data() + mo, ms));
  }
  if (to <= b->size() && ts <= b->size() - to) {
    Put<uint64_t>(b, fi::kOffTableChecksum, fi::Checksum(b->data() + to, ts));
  }
  Put<uint64_t>(b, fi::kOffHeaderChecksum, fi::Checksum(b->data(), fi::kOffHeaderChecksum));
}

// File offset of metadata entry / tensor entry `index` of a valid file.
inline size_t MetaEntryOffset(const Bytes& b, uint32_t index) {
  size_t pos = Get<uint64_t>(b, fi::kOffMetaOffset);
  for (uint32_t i = 0; i < index; ++i) {
    pos += 16 + ((Get<uint32_t>(b, pos) + 7) & ~7u) + ((Get<uint64_t>(b, pos + 8) + 7) & ~7ull);
  }
  return pos;
}
inline size_t TensorEntryOffset(const Bytes& b, uint32_t index) {
  size_t pos = Get<uint64_t>(b, fi::kOffTableOffset);
  for (uint32_t i = 0; i < index; ++i) pos += 72 + ((Get<uint32_t>(b, pos) + 7) & ~7u);
  return pos;
}

// A fresh path under the test's temporary directory.
inline std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/intformer_format_" + std::to_string(getpid()) + "_" + name;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_MODELS_FORMAT_FORMAT_TEST_UTIL_H_
