// format_internal::Checksum (XXH3 built per x86 ISA and dispatched, models/checksum/) equals
// libxxhash's XXH3_64bits on every length class XXH3 distinguishes (0-16, 17-128, 129-240, the
// long loop with its stripe and block tails) and at every alignment.
#include <xxhash.h>

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "models/format_internal.h"
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
