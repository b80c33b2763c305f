// Round trips through the model file: what the writer puts in, the reader gives back, in place,
// 64-byte aligned, from a path (mmap) and from a caller's buffer; the bytes follow format.h.
#include <xxhash.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "tests/models/format/format_test_util.h"

namespace intformer {
namespace {

using format::DType;
using test::Bytes;
namespace fi = format_internal;

void ExpectSample(const ModelFile& f) {
  const test::Sample s = test::MakeSample();
  EXPECT_EQ(f.major_version(), format::kFormatMajor);
  EXPECT_EQ(f.minor_version(), format::kFormatMinor);
  EXPECT_EQ(f.target_pack_format(), uint32_t{kPackAvx2});
  EXPECT_EQ(f.target_isa(), static_cast<uint32_t>(format::IsaId::kAvx2));

  std::string_view sv;
  ASSERT_TRUE(f.GetString("architecture", &sv).ok());
  EXPECT_EQ(sv, "bert");
  uint32_t u32 = 0;
  ASSERT_TRUE(f.GetU32("bert.hidden_size", &u32).ok());
  EXPECT_EQ(u32, 768u);
  int32_t i32 = 0;
  ASSERT_TRUE(f.GetI32("quant.shift", &i32).ok());
  EXPECT_EQ(i32, -31);
  uint64_t u64 = 0;
  ASSERT_TRUE(f.GetU64("tokenizer.vocab_size", &u64).ok());
  EXPECT_EQ(u64, 30522u);
  int64_t i64 = 0;
  ASSERT_TRUE(f.GetI64("quant.big", &i64).ok());
  EXPECT_EQ(i64, INT64_MIN);
  bool b = false;
  ASSERT_TRUE(f.GetBool("tokenizer.lowercase", &b).ok());
  EXPECT_TRUE(b);
  std::vector<std::string_view> labels;
  ASSERT_TRUE(f.GetStringArray("labels", &labels).ok());
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0], "negative");
  EXPECT_EQ(labels[1], "positive");
  EXPECT_EQ(labels[2], "");
  EXPECT_EQ(labels[3], "n\xc3\xa9utre");
  const uint8_t* bytes = nullptr;
  size_t n = 0;
  ASSERT_TRUE(f.GetBytes("tokenizer.vocab", &bytes, &n).ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes), n), s.vocab);
  EXPECT_GE(bytes, f.data());  // in place, not a copy
  EXPECT_LT(bytes, f.data() + f.size());
  const int32_t* consts = nullptr;
  ASSERT_TRUE(f.GetI32Array("quant.consts", &consts, &n).ok());
  EXPECT_EQ(std::vector<int32_t>(consts, consts + n), s.consts);
  EXPECT_EQ(f.metadata().size(), 10u);
  EXPECT_EQ(f.metadata()[0].key, "architecture");  // file order

  // Typed lookup: missing key and wrong type name the key.
  Status st = f.GetU32("bert.missing", &u32);
  EXPECT_EQ(st.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  EXPECT_NE(st.message().find("bert.missing"), std::string::npos) << st.ToString();
  st = f.GetU64("bert.hidden_size", &u64);
  EXPECT_EQ(st.code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
  EXPECT_NE(st.message().find("is u32, expected u64"), std::string::npos) << st.ToString();

  struct Want {
    const char* name;
    DType dtype;
    uint32_t pack;
    std::vector<uint64_t> dims;
    const void* data;
    size_t size;
  };
  const Want want[] = {
      {"emb.word", DType::kS8, 0, {10, 8}, s.word.data(), 80},
      {"l0.w1", DType::kS8, kPackAvx2, {16, 8}, s.packed.data(), 192},
      {"ln.gamma", DType::kS32, 0, {8}, s.gamma.data(), 32},
      {"t.a", DType::kS16, 0, {3}, s.odd.data(), 6},
      {"t.b", DType::kS8, 0, {2, 3, 1, 5}, s.other.data(), 30},
      {"scalar", DType::kS64, 0, {}, &s.scalar, 8},
  };
  ASSERT_EQ(f.tensors().size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    const Want& w = want[i];
    SCOPED_TRACE(w.name);
    EXPECT_EQ(f.tensors()[i].name, w.name);
    TensorView t;
    ASSERT_TRUE(f.GetTensor(w.name, &t).ok());
    EXPECT_EQ(t.dtype, w.dtype);
    EXPECT_EQ(t.pack_format, w.pack);
    ASSERT_EQ(t.rank, w.dims.size());
    for (uint32_t d = 0; d < format::kMaxRank; ++d) {
      EXPECT_EQ(t.dims[d], d < t.rank ? w.dims[d] : 0u);
    }
    ASSERT_EQ(t.size, w.size);
    EXPECT_EQ(std::memcmp(t.data, w.data, w.size), 0);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % 64, 0u);
    EXPECT_EQ((static_cast<const uint8_t*>(t.data) - f.data()) % 64, 0);
  }
  EXPECT_EQ(f.FindTensor("nope"), nullptr);
  EXPECT_EQ(f.GetTensor("nope", nullptr).code(), INTFORMER_ERROR_UNSUPPORTED_MODEL);
}

TEST(FormatRoundTrip, FromBuffer) {
  const Bytes bytes = test::SampleBytes();
  test::AlignedBuffer buf(bytes);
  std::unique_ptr<ModelFile> f;
  Status s = ModelFile::OpenBuffer(buf.data(), buf.size(), {}, &f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(f->data(), buf.data());  // used in place
  ExpectSample(*f);
}

TEST(FormatRoundTrip, FromPathAtomicWrite) {
  const test::Sample sample = test::MakeSample();
  ModelWriter w(kPackAvx2, format::IsaId::kAvx2);
  test::FillWriter(sample, &w);
  const std::string path = test::TempPath("roundtrip.ifm");
  Status s = w.WriteFile(path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<ModelFile> f;
  s = ModelFile::OpenPath(path, {}, &f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(f->data()) % 4096, 0u);  // the mapping itself
  ExpectSample(*f);
  // The file on disk is byte-identical to the in-memory build.
  Bytes mem;
  ASSERT_TRUE(w.Finish(&mem).ok());
  ASSERT_EQ(f->size(), mem.size());
  EXPECT_EQ(std::memcmp(f->data(), mem.data(), mem.size()), 0);
  f.reset();
  std::remove(path.c_str());
}

TEST(FormatRoundTrip, UnalignedBufferRejectedOrCopied) {
  const Bytes bytes = test::SampleBytes();
  test::AlignedBuffer buf(bytes, /*misalign=*/8);
  std::unique_ptr<ModelFile> f;
  Status s = ModelFile::OpenBuffer(buf.data(), buf.size(), {}, &f);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_INVALID_ARGUMENT) << s.ToString();
  EXPECT_NE(s.message().find("64-byte aligned"), std::string::npos) << s.ToString();
  ReaderOptions copy;
  copy.copy_unaligned_buffer = true;
  s = ModelFile::OpenBuffer(buf.data(), buf.size(), copy, &f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(f->data(), buf.data());
  std::memset(buf.data(), 0, buf.size());  // the caller's buffer is no longer needed
  ExpectSample(*f);
}

TEST(FormatRoundTrip, EmptyModel) {
  ModelWriter w;
  Bytes bytes;
  ASSERT_TRUE(w.Finish(&bytes).ok());
  EXPECT_EQ(bytes.size(), format::kHeaderSize);
  std::unique_ptr<ModelFile> f;
  Status s = test::OpenBytes(bytes, &f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(f->metadata().empty());
  EXPECT_TRUE(f->tensors().empty());
}

// The bytes follow format.h's tables, read here with the spec's offsets and xxHash itself.
TEST(FormatSpec, HeaderBytesMatchTheSpec) {
  const Bytes b = test::SampleBytes();
  const uint8_t magic[8] = {0x89, 0x49, 0x46, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a};
  EXPECT_EQ(std::memcmp(b.data(), magic, 8), 0);
  EXPECT_EQ(b[8] | b[9] << 8, 1);   // major, little-endian
  EXPECT_EQ(b[10] | b[11] << 8, 0);  // minor
  EXPECT_EQ(test::Get<uint64_t>(b, 16), b.size());
  EXPECT_EQ(test::Get<uint32_t>(b, 24), uint32_t{kPackAvx2});
  EXPECT_EQ(test::Get<uint32_t>(b, 28), 1u);
  const uint64_t mo = test::Get<uint64_t>(b, 32), ms = test::Get<uint64_t>(b, 40);
  const uint64_t to = test::Get<uint64_t>(b, 48), ts = test::Get<uint64_t>(b, 56);
  const uint64_t d = test::Get<uint64_t>(b, 64), ds = test::Get<uint64_t>(b, 72);
  EXPECT_EQ(mo, 128u);
  EXPECT_EQ(to, mo + ms);
  EXPECT_EQ(d, (to + ts + 63) / 64 * 64);
  EXPECT_EQ(d + ds, b.size());
  EXPECT_EQ(test::Get<uint32_t>(b, 80), 10u);
  EXPECT_EQ(test::Get<uint32_t>(b, 84), 6u);
  EXPECT_EQ(test::Get<uint64_t>(b, 88), XXH3_64bits(b.data() + mo, ms));
  EXPECT_EQ(test::Get<uint64_t>(b, 96), XXH3_64bits(b.data() + to, ts));
  EXPECT_EQ(test::Get<uint64_t>(b, 120), XXH3_64bits(b.data(), 120));
  // First metadata entry: key_length, type, value_size, key padded to 8, value padded to 8.
  EXPECT_EQ(test::Get<uint32_t>(b, 128), 12u);  // "architecture"
  EXPECT_EQ(test::Get<uint32_t>(b, 132), static_cast<uint32_t>(format::MetaType::kString));
  EXPECT_EQ(test::Get<uint64_t>(b, 136), 4u);
  EXPECT_EQ(std::memcmp(b.data() + 144, "architecture\0\0\0\0bert\0\0\0\0", 24), 0);
  // First tensor entry, and its blob checksum.
  const uint64_t e = to;
  EXPECT_EQ(test::Get<uint32_t>(b, e), 8u);  // "emb.word"
  EXPECT_EQ(test::Get<uint32_t>(b, e + 4), static_cast<uint32_t>(format::DType::kS8));
  EXPECT_EQ(test::Get<uint32_t>(b, e + 12), 2u);
  EXPECT_EQ(test::Get<uint64_t>(b, e + 16), 10u);
  EXPECT_EQ(test::Get<uint64_t>(b, e + 24), 8u);
  EXPECT_EQ(test::Get<uint64_t>(b, e + 48), d);
  EXPECT_EQ(test::Get<uint64_t>(b, e + 56), 80u);
  EXPECT_EQ(test::Get<uint64_t>(b, e + 64), XXH3_64bits(b.data() + d, 80));
  EXPECT_EQ(std::memcmp(b.data() + e + 72, "emb.word", 8), 0);
}

// The cost of verifying blob checksums at open (ReaderOptions::verify_blobs), printed.
TEST(FormatCost, BlobVerificationThroughput) {
  const size_t kBytes = size_t{64} << 20;
  std::vector<int8_t> big(kBytes, 1);
  ModelWriter w;
  ASSERT_TRUE(w.AddTensorNoCopy("big", DType::kS8, {kBytes}, 0, big.data(), kBytes).ok());
  Bytes bytes;
  ASSERT_TRUE(w.Finish(&bytes).ok());
  test::AlignedBuffer buf(bytes);
  for (bool verify : {false, true}) {
    ReaderOptions o;
    o.verify_blobs = verify;
    std::unique_ptr<ModelFile> f;
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(ModelFile::OpenBuffer(buf.data(), buf.size(), o, &f).ok());
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - t0).count();
    std::printf("open 64 MiB model, verify_blobs=%d: %lld us (%.1f GB/s)\n", verify,
                static_cast<long long>(us), us > 0 ? kBytes / 1e3 / us : 0.0);
    RecordProperty(verify ? "open_verify_us" : "open_noverify_us", static_cast<int>(us));
  }
}

}  // namespace
}  // namespace intformer
