// Files whose checksums match but whose structure is wrong (a buggy or hostile writer): absurd
// counts, sizes and dimensions, blobs outside the data section, overlapping or unaligned,
// duplicate names, unknown dtypes. Each is CORRUPT_FILE with a message naming the culprit, and
// none may cause a large allocation (checked under a small RLIMIT_AS in a child process).
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "tests/models/format/format_test_util.h"

namespace intformer {
namespace {

using test::Bytes;
using test::Get;
using test::Put;
namespace fi = format_internal;

struct Case {
  const char* name;
  std::function<void(Bytes*)> patch;
  const char* needle;  // expected in the message
  bool reseal = true;
};

size_t Tensor(const Bytes& b, uint32_t i) { return test::TensorEntryOffset(b, i); }
size_t Meta(const Bytes& b, uint32_t i) { return test::MetaEntryOffset(b, i); }

// Metadata entries: 0 architecture (string), 1 bert.hidden_size (u32), 5 tokenizer.lowercase
// (bool), 6 labels. Tensors: 0 emb.word, 1 l0.w1 (packed), 2 ln.gamma, 3 t.a, 4 t.b, 5 scalar.
std::vector<Case> CorruptCases() {
  constexpr uint64_t kHuge = uint64_t{1} << 62;
  return {
      {"metadata count", [](Bytes* b) { Put<uint32_t>(b, fi::kOffMetaCount, UINT32_MAX); },
       "4294967295 metadata entries cannot fit"},
      {"tensor count", [](Bytes* b) { Put<uint32_t>(b, fi::kOffTensorCount, UINT32_MAX); },
       "4294967295 tensor entries cannot fit"},
      {"fewer metadata entries", [](Bytes* b) { Put<uint32_t>(b, fi::kOffMetaCount, 9); },
       "bytes after its 9 entries"},
      {"metadata size", [](Bytes* b) { Put<uint64_t>(b, fi::kOffMetaSize, UINT64_MAX - 7); },
       "metadata section"},
      {"table offset", [](Bytes* b) { Put<uint64_t>(b, fi::kOffTableOffset, 8); },
       "tensor table offset 8"},
      {"table size", [](Bytes* b) { Put<uint64_t>(b, fi::kOffTableSize, kHuge); }, "tensor table"},
      {"data offset", [](Bytes* b) { Put<uint64_t>(b, fi::kOffDataOffset, 64); }, "data section"},
      {"metadata offset", [](Bytes* b) { Put<uint64_t>(b, fi::kOffMetaOffset, 0); },
       "metadata offset 0"},
      {"file size smaller", [](Bytes* b) { Put<uint64_t>(b, fi::kOffFileSize, b->size() - 8); },
       "8 trailing bytes"},
      {"key length", [](Bytes* b) { Put<uint32_t>(b, Meta(*b, 1), 0xfffffff0u); },
       "key length 4294967280"},
      {"key length zero", [](Bytes* b) { Put<uint32_t>(b, Meta(*b, 1), 0); }, "key length 0"},
      {"value size", [](Bytes* b) { Put<uint64_t>(b, Meta(*b, 1) + 8, UINT64_MAX); },
       "'bert.hidden_size': 18446744073709551615-byte value runs past"},
      {"value size vs type", [](Bytes* b) { Put<uint64_t>(b, Meta(*b, 1) + 8, 8); }, "not 4"},
      {"bool byte", [](Bytes* b) { (*b)[Meta(*b, 5) + 16 + 24] = 2; }, "neither 0 nor 1"},
      {"string utf8", [](Bytes* b) { (*b)[Meta(*b, 0) + 16 + 16] = 0xc0; }, "not UTF-8"},
      {"string array end", [](Bytes* b) {
         const size_t v = Meta(*b, 6) + 16 + 8;
         (*b)[v + Get<uint64_t>(*b, Meta(*b, 6) + 8) - 1] = 'x';
       }, "does not end with NUL"},
      {"key charset", [](Bytes* b) { (*b)[Meta(*b, 1) + 16] = ' '; }, "key is not"},
      {"key padding", [](Bytes* b) { (*b)[Meta(*b, 0) + 16 + 12] = 1; }, "key padding"},
      {"unknown metadata type", [](Bytes* b) { Put<uint32_t>(b, Meta(*b, 1) + 4, 200); },
       "unknown type 200"},
      {"unknown dtype", [](Bytes* b) { Put<uint32_t>(b, Tensor(*b, 2) + 4, 99); },
       "tensor 'ln.gamma': unknown dtype 99"},
      {"rank", [](Bytes* b) { Put<uint32_t>(b, Tensor(*b, 2) + 12, 9); }, "rank 9"},
      {"zero dim", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 0) + 16, 0); }, "dimension 0 is 0"},
      {"absurd dims", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 0) + 16, kHuge);
         Put<uint64_t>(b, Tensor(*b, 0) + 24, kHuge);
       }, "count overflows"},
      {"large dims, small blob", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 0) + 16, 1u << 30); },
       "'emb.word': 8589934592 s8 elements need 8589934592 bytes, the entry says 80"},
      {"dim beyond rank", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 2) + 24, 3); },
       "beyond rank 1"},
      {"packed too small", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 1) + 16, 1u << 20); },
       "cannot be packed in 192 bytes"},
      {"size vs dtype", [](Bytes* b) { Put<uint32_t>(b, Tensor(*b, 2) + 4, 7); },
       "'ln.gamma': 8 s64 elements need 64 bytes"},
      {"blob outside file", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 0) + 48, uint64_t{1} << 40); },
       "'emb.word': 80 bytes at offset 1099511627776, outside the data section"},
      {"blob offset overflow", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 0) + 48, UINT64_MAX - 63);
       }, "outside the data section"},
      {"blob size huge", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 1) + 56, kHuge); },
       "'l0.w1': 4611686018427387904 bytes"},
      {"blob in the table", [](Bytes* b) { Put<uint64_t>(b, Tensor(*b, 0) + 48, 128); },
       "outside the data section"},
      {"blob past the end", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 5) + 48, Get<uint64_t>(*b, fi::kOffFileSize));
       }, "'scalar': 8 bytes at offset"},
      {"unaligned blob", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 0) + 48, Get<uint64_t>(*b, Tensor(*b, 0) + 48) + 1);
       }, "'emb.word': offset"},
      {"overlapping blobs", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 2) + 48, Get<uint64_t>(*b, Tensor(*b, 1) + 48) + 64);
       }, "'l0.w1' and 'ln.gamma' overlap"},
      {"same offset", [](Bytes* b) {
         Put<uint64_t>(b, Tensor(*b, 4) + 48, Get<uint64_t>(*b, Tensor(*b, 3) + 48));
       }, "overlap"},
      {"duplicate tensor", [](Bytes* b) { (*b)[Tensor(*b, 4) + 72 + 2] = 'a'; },
       "duplicate tensor name 't.a'"},
      {"name charset", [](Bytes* b) { (*b)[Tensor(*b, 4) + 72] = '\n'; }, "name is not"},
      {"name length", [](Bytes* b) { Put<uint32_t>(b, Tensor(*b, 5), 1u << 31); },
       "name length 2147483648"},
      {"name padding", [](Bytes* b) { (*b)[Tensor(*b, 3) + 72 + 3] = 'z'; }, "name padding"},
      {"nonzero gap", [](Bytes* b) { (*b)[Get<uint64_t>(*b, Tensor(*b, 3) + 48) + 7] = 1; },
       "between blobs before tensor 't.b'"},
      {"nonzero padding before data", [](Bytes* b) {
         (*b)[Get<uint64_t>(*b, fi::kOffDataOffset) - 1] = 1;
       }, "padding before the data section"},
  };
}

TEST(FormatCorrupt, EachCaseIsCorruptWithItsMessage) {
  for (const Case& c : CorruptCases()) {
    SCOPED_TRACE(c.name);
    Bytes b = test::SampleBytes();
    c.patch(&b);
    if (c.reseal) test::Reseal(&b);
    const Status s = test::OpenBytes(b);
    EXPECT_EQ(s.code(), INTFORMER_ERROR_CORRUPT_FILE) << s.ToString();
    EXPECT_NE(s.message().find(c.needle), std::string::npos) << s.ToString();
  }
}

TEST(FormatCorrupt, DuplicateMetadataKey) {
  ModelWriter w;
  ASSERT_TRUE(w.AddU32("dims.a", 1).ok());
  ASSERT_TRUE(w.AddU32("dims.b", 2).ok());
  Bytes b;
  ASSERT_TRUE(w.Finish(&b).ok());
  b[Meta(b, 1) + 16 + 5] = 'a';
  test::Reseal(&b);
  const Status s = test::OpenBytes(b);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CORRUPT_FILE) << s.ToString();
  EXPECT_NE(s.message().find("duplicate metadata key 'dims.a'"), std::string::npos) << s.ToString();
}

TEST(FormatCorrupt, TrailingBytesAndFileSizeLargerThanFile) {
  Bytes b = test::SampleBytes();
  b.push_back(0);
  const Status s = test::OpenBytes(b);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CORRUPT_FILE) << s.ToString();
  b.pop_back();
  Put<uint64_t>(&b, fi::kOffFileSize, UINT64_MAX);
  test::Reseal(&b);
  EXPECT_EQ(test::OpenBytes(b).code(), INTFORMER_ERROR_TRUNCATED_FILE);
}

TEST(FormatCorrupt, PackedSizeRuleFromTheCaller) {
  ReaderOptions o;
  o.packed_size = [](uint32_t pack, uint32_t, const uint64_t* dims, uint32_t) -> uint64_t {
    return pack == kPackAvx2 ? dims[0] * dims[1] + dims[0] * 4 : 0;  // 16*8 + 16*4 = 192
  };
  EXPECT_TRUE(test::OpenBytes(test::SampleBytes(), o).ok());
  o.packed_size = [](uint32_t, uint32_t, const uint64_t*, uint32_t) -> uint64_t { return 256; };
  const Status s = test::OpenBytes(test::SampleBytes(), o);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CORRUPT_FILE) << s.ToString();
  EXPECT_NE(s.message().find("needs 256 bytes, the entry says 192"), std::string::npos);
}

// Virtual memory in use by this process, from /proc/self/statm (pages).
size_t VmBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  statm >> pages;
  return pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// Every corrupt case again, in a child whose address space may grow by only 64 MiB: a reader
// that trusted a count or size would die of bad_alloc (or report OUT_OF_MEMORY) here.
TEST(FormatCorruptDeathTest, NoLargeAllocationUnderRlimitAs) {
  if (VmBytes() == 0) GTEST_SKIP() << "no /proc/self/statm";
  std::vector<Bytes> files;
  for (const Case& c : CorruptCases()) {
    Bytes b = test::SampleBytes();
    c.patch(&b);
    if (c.reseal) test::Reseal(&b);
    files.push_back(std::move(b));
  }
  const auto open_all_limited = [&files] {
    const rlim_t limit = VmBytes() + (size_t{64} << 20);
    const rlimit lim = {limit, limit};
    if (setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(3);
    for (const Bytes& b : files) {
      const intformer_status code = test::OpenBytes(b).code();
      if (code != INTFORMER_ERROR_CORRUPT_FILE && code != INTFORMER_ERROR_TRUNCATED_FILE) {
        std::_Exit(2);
      }
    }
    std::_Exit(0);
  };
  EXPECT_EXIT(open_all_limited(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace intformer
