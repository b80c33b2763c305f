// The blob checksums: format_internal::Checksum (XXH3 built per x86 ISA and dispatched,
// models/checksum/) equals libxxhash's XXH3_64bits on every length class XXH3 distinguishes
// (0-16, 17-128, 129-240, the long loop with its stripe and block tails) and at every
// alignment; and VerifyBlobs on two threads (large files) reports damage as one thread does.
#include <xxhash.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/format_internal.h"
#include "models/format_reader.h"
#include "models/format_writer.h"
#include "tests/test_util.h"

namespace intformer {
namespace {

TEST(FormatChecksum, EqualsLibxxhashOnEveryLengthClassAndAlignment) {
  test::Rng rng(20261125);
  INTFORMER_SEED_TRACE(rng);
  std::vector<uint8_t> buf((1 << 20) + 64);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(rng.Uniform(0, 255));
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 300; ++n) sizes.push_back(n);
  for (size_t n : {1023u, 1024u, 1025u, 4096u, 65535u, 65536u, 100003u, 1u << 20}) sizes.push_back(n);
  for (size_t n : sizes) {
    for (size_t off : {0u, 1u, 7u, 33u}) {
      const uint8_t* p = buf.data() + off;
      ASSERT_EQ(format_internal::Checksum(p, n), XXH3_64bits(p, n)) << "size " << n << " offset "
                                                                    << off;
    }
  }
}

}  // namespace
}  // namespace intformer

namespace intformer {
namespace {

// Above 16 MiB of blobs VerifyBlobs splits the checksums over two threads: a damaged blob in
// either half is found, and with damage in both the first in file order is the one named.
TEST(FormatChecksum, LargeFileVerifiedOnTwoThreadsReportsTheFirstDamage) {
  std::vector<int8_t> big(6u << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int8_t>(i * 131 + 7);
  ModelWriter w;
  for (const char* name : {"a", "b", "c", "d"}) {
    ASSERT_TRUE(w.AddTensorNoCopy(name, format::DType::kS8, {big.size()}, 0, big.data(),
                                  big.size()).ok());
  }
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(w.Finish(&bytes).ok());
  ASSERT_GE(bytes.size(), size_t{24} << 20);
  auto open = [](const std::vector<uint8_t>& b) {
    std::unique_ptr<uint8_t, void (*)(void*)> mem(
        static_cast<uint8_t*>(std::aligned_alloc(64, (b.size() + 63) & ~size_t{63})), std::free);
    std::memcpy(mem.get(), b.data(), b.size());
    std::unique_ptr<ModelFile> f;
    return ModelFile::OpenBuffer(mem.get(), b.size(), ReaderOptions{}, &f);
  };
  EXPECT_TRUE(open(bytes).ok());
  const size_t end = bytes.size();
  std::vector<uint8_t> late = bytes;
  late[end - 100] ^= 1;  // inside "d" (the helper thread's half)
  Status s = open(late);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CHECKSUM_MISMATCH);
  EXPECT_NE(s.message().find("tensor 'd'"), std::string::npos) << s.message();
  std::vector<uint8_t> both = late;
  both[end - 3 * big.size() - 100] ^= 1;  // inside "a" as well: "a" is reported
  s = open(both);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CHECKSUM_MISMATCH);
  EXPECT_NE(s.message().find("tensor 'a'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace intformer
