// Every way a model file can be wrong, each answered with its own status and a message that
// says where. Structural cases re-seal the checksums (test::Reseal) so that the structural
// check, not a checksum, is what answers.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>

#include "tests/models/format/format_test_util.h"

namespace intformer {
namespace {

using test::Bytes;
using test::Get;
using test::Put;
namespace fi = format_internal;

#define EXPECT_STATUS(expr, want, needle)                                       \
  do {                                                                          \
    const Status _s = (expr);                                                   \
    EXPECT_EQ(_s.code(), want) << _s.ToString();                                \
    EXPECT_NE(_s.message().find(needle), std::string::npos) << _s.ToString();   \
  } while (0)

Bytes Patched(void (*patch)(Bytes*)) {
  Bytes b = test::SampleBytes();
  patch(&b);
  test::Reseal(&b);
  return b;
}

TEST(FormatBadFile, TruncatedAtEveryByte) {
  const Bytes full = test::SampleBytes();
  ASSERT_TRUE(test::OpenBytes(full).ok());
  for (size_t len = 0; len < full.size(); ++len) {
    const Bytes cut(full.begin(), full.begin() + len);
    const Status s = test::OpenBytes(cut);
    ASSERT_EQ(s.code(), INTFORMER_ERROR_TRUNCATED_FILE) << "length " << len << ": " << s.ToString();
  }
}

TEST(FormatBadFile, TruncatedAtSectionBoundariesOnDisk) {
  const Bytes full = test::SampleBytes();
  // The offsets lie inside the sample file, so they fit size_t on 32-bit targets too.
  std::vector<size_t> cuts = {0, 4, 8, 12, 64, 127, 128,
                              static_cast<size_t>(Get<uint64_t>(full, fi::kOffTableOffset)),
                              static_cast<size_t>(Get<uint64_t>(full, fi::kOffDataOffset)),
                              full.size() - 1};
  for (uint32_t i = 0; i < 6; ++i) cuts.push_back(Get<uint64_t>(full, test::TensorEntryOffset(full, i) + 48));
  const std::string path = test::TempPath("truncated.ifm");
  for (size_t len : cuts) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(full.data()), static_cast<std::streamsize>(len));
    std::unique_ptr<ModelFile> f;
    const Status s = ModelFile::OpenPath(path, {}, &f);
    EXPECT_EQ(s.code(), INTFORMER_ERROR_TRUNCATED_FILE) << "length " << len << ": " << s.ToString();
    EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
    EXPECT_EQ(f, nullptr);
  }
  std::remove(path.c_str());
}

TEST(FormatBadFile, EmptyFileAndBuffer) {
  const std::string path = test::TempPath("empty.ifm");
  std::ofstream(path, std::ios::trunc).close();
  std::unique_ptr<ModelFile> f;
  EXPECT_STATUS(ModelFile::OpenPath(path, {}, &f), INTFORMER_ERROR_TRUNCATED_FILE, "empty");
  std::remove(path.c_str());
  test::AlignedBuffer buf(Bytes(64, 0));
  EXPECT_STATUS(ModelFile::OpenBuffer(buf.data(), 0, {}, &f), INTFORMER_ERROR_TRUNCATED_FILE, "empty");
  EXPECT_STATUS(ModelFile::OpenBuffer(nullptr, 10, {}, &f), INTFORMER_ERROR_INVALID_ARGUMENT, "null");
  EXPECT_STATUS(ModelFile::OpenPath(path, {}, &f), INTFORMER_ERROR_IO, "cannot open");
}

TEST(FormatBadFile, EveryFlippedByteIsCaught) {
  const Bytes full = test::SampleBytes();
  const uint64_t data = Get<uint64_t>(full, fi::kOffDataOffset);
  const uint64_t table_end = Get<uint64_t>(full, fi::kOffTableOffset) + Get<uint64_t>(full, fi::kOffTableSize);
  for (size_t i = 0; i < full.size(); ++i) {
    Bytes b = full;
    b[i] ^= 0x5a;
    intformer_status want = INTFORMER_ERROR_CHECKSUM_MISMATCH;
    if (i < 8) want = INTFORMER_ERROR_BAD_MAGIC;
    else if (i < 10) want = INTFORMER_ERROR_UNSUPPORTED_VERSION;
    else if ((i >= table_end && i < data) || (i >= data && full[i] == 0 && i % 64 != 0 && [&] {
               for (uint32_t t = 0; t < 6; ++t) {  // inside a blob?
                 const size_t e = test::TensorEntryOffset(full, t);
                 const uint64_t o = Get<uint64_t>(full, e + 48), n = Get<uint64_t>(full, e + 56);
                 if (i >= o && i < o + n) return false;
               }
               return true;
             }())) {
      want = INTFORMER_ERROR_CORRUPT_FILE;  // zero padding outside the checksummed sections
    }
    const Status s = test::OpenBytes(b);
    ASSERT_EQ(s.code(), want) << "byte " << i << ": " << s.ToString();
  }
}

TEST(FormatBadFile, ChecksumMessagesNameTheSection) {
  Bytes b = test::SampleBytes();
  b[130] ^= 1;
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CHECKSUM_MISMATCH, "metadata section");
  b = test::SampleBytes();
  b[Get<uint64_t>(b, fi::kOffTableOffset) + 3] ^= 1;
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CHECKSUM_MISMATCH, "tensor table");
  b = test::SampleBytes();
  b[20] ^= 1;
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CHECKSUM_MISMATCH, "header");
  // A damaged blob: found at open, or later by VerifyBlobs when open skipped it.
  b = test::SampleBytes();
  b[Get<uint64_t>(b, test::TensorEntryOffset(b, 2) + 48) + 5] ^= 1;
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CHECKSUM_MISMATCH, "tensor 'ln.gamma'");
  ReaderOptions lazy;
  lazy.verify_blobs = false;
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(test::OpenBytes(b, &f, lazy).ok());
  EXPECT_STATUS(f->VerifyBlobs(), INTFORMER_ERROR_CHECKSUM_MISMATCH, "ln.gamma");
}

TEST(FormatBadFile, WrongMagic) {
  const std::string gguf = "GGUF\x03\0\0\0 and more bytes than a header has in total............";
  Bytes b(gguf.begin(), gguf.end());
  b.resize(256, 0);
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_BAD_MAGIC, "47 47 55 46");
  EXPECT_STATUS(test::OpenBytes(Bytes{'{', '"'}), INTFORMER_ERROR_BAD_MAGIC, "7b 22");
  EXPECT_STATUS(test::OpenBytes(Bytes{0x89, 'I', 'F'}), INTFORMER_ERROR_TRUNCATED_FILE, "3 bytes");
}

TEST(FormatBadFile, NewerAndOlderMajorRejected) {
  for (uint16_t major : {uint16_t{2}, uint16_t{0}, uint16_t{0xffff}}) {
    Bytes b = test::SampleBytes();
    Put<uint16_t>(&b, fi::kOffMajor, major);
    test::Reseal(&b);
    EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_UNSUPPORTED_VERSION,
                  std::to_string(major) + ".0; this reader reads major 1");
    b.resize(20);  // the version is judged before anything else, even on a fragment
    EXPECT_EQ(test::OpenBytes(b).code(), INTFORMER_ERROR_UNSUPPORTED_VERSION);
  }
}

TEST(FormatBadFile, NewerMinorAcceptedUnknownsIgnored) {
  const uint16_t newer = format::kFormatMinor + 1;
  ModelWriter w;
  w.set_minor_version(newer);
  const uint32_t future = 77;
  ASSERT_TRUE(w.AddRaw("future.thing", future, "\x01\x02\x03", 3).ok());
  ASSERT_TRUE(w.AddU32("dims", 4).ok());
  Bytes b;
  ASSERT_TRUE(w.Finish(&b).ok());
  Put<uint32_t>(&b, fi::kOffFlags, 0x10);  // a flag from the future
  b[fi::kOffReserved + 3] = 9;
  test::Reseal(&b);
  std::unique_ptr<ModelFile> f;
  Status s = test::OpenBytes(b, &f);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(f->minor_version(), newer);
  ASSERT_NE(f->FindMetadata("future.thing"), nullptr);
  EXPECT_EQ(f->FindMetadata("future.thing")->type, future);
  uint32_t v = 0;
  EXPECT_STATUS(f->GetU32("future.thing", &v), INTFORMER_ERROR_UNSUPPORTED_MODEL, "is ?");
  ASSERT_TRUE(f->GetU32("dims", &v).ok());
  EXPECT_EQ(v, 4u);

  // The same unknowns in a file of this reader's own minor are corruption.
  Put<uint16_t>(&b, fi::kOffMinor, format::kFormatMinor);
  test::Reseal(&b);
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CORRUPT_FILE, "flags");
  Put<uint32_t>(&b, fi::kOffFlags, 0);
  test::Reseal(&b);
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CORRUPT_FILE, "reserved");
  b[fi::kOffReserved + 3] = 0;
  test::Reseal(&b);
  EXPECT_STATUS(test::OpenBytes(b), INTFORMER_ERROR_CORRUPT_FILE, "unknown type 77");
}

TEST(FormatBadFile, TargetMismatch) {
  const Bytes b = test::SampleBytes();  // packed for avx2
  ReaderOptions o;
  o.accepted_pack_formats = {kPackRef, kPackAvx512Vnni};
  EXPECT_STATUS(test::OpenBytes(b, o), INTFORMER_ERROR_TARGET_MISMATCH,
                "packed for avx2 (pack format 2); the caller runs only ref (1), avx512vnni (3)");
  o.accepted_pack_formats = {kPackRef, kPackAvx2};
  EXPECT_TRUE(test::OpenBytes(b, o).ok());

  Bytes unknown = Patched([](Bytes* x) { Put<uint32_t>(x, fi::kOffTargetPack, 99); });
  EXPECT_STATUS(test::OpenBytes(unknown), INTFORMER_ERROR_TARGET_MISMATCH, "pack format id 99");
  unknown = Patched([](Bytes* x) { Put<uint32_t>(x, fi::kOffTargetIsa, 5); });
  EXPECT_STATUS(test::OpenBytes(unknown), INTFORMER_ERROR_TARGET_MISMATCH, "ISA id 5");

  // An ISA this CPU cannot run, when the caller asks for the check.
  const bool x86 = CpuHasIsa(Isa::kAvx2) || !CpuHasIsa(Isa::kNeon);
  const format::IsaId foreign = x86 ? format::IsaId::kNeonDot : format::IsaId::kAvx512Vnni;
  Bytes other = test::SampleBytes();
  Put<uint32_t>(&other, fi::kOffTargetIsa, static_cast<uint32_t>(foreign));
  test::Reseal(&other);
  EXPECT_TRUE(test::OpenBytes(other).ok());
  o = {};
  o.require_isa_enabled = true;
  EXPECT_STATUS(test::OpenBytes(other, o), INTFORMER_ERROR_TARGET_MISMATCH, format::IsaIdName(static_cast<uint32_t>(foreign)));

  // A tensor packed for another format than the file's target.
  other = Patched([](Bytes* x) { Put<uint32_t>(x, test::TensorEntryOffset(*x, 1) + 8, kPackNeon); });
  EXPECT_STATUS(test::OpenBytes(other), INTFORMER_ERROR_CORRUPT_FILE, "differs from the file's target");
}

}  // namespace
}  // namespace intformer
