// The public status enum and version: stable values, a distinct string per code, a version
// string that matches the project version, and a header that compiles as plain C.
#include "runtime/status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

extern "C" int intformer_c_header_check(void);

namespace intformer {
namespace {

TEST(Status, CodesAreStableAndEachHasItsOwnString) {
  // Values cross the ABI: changing one is a break, so they are pinned here.
  const std::pair<intformer_status, int> pinned[] = {
      {INTFORMER_OK, 0},
      {INTFORMER_ERROR_INVALID_ARGUMENT, 1},
      {INTFORMER_ERROR_INTERNAL, 2},
      {INTFORMER_ERROR_IO, 10},
      {INTFORMER_ERROR_OUT_OF_MEMORY, 11},
      {INTFORMER_ERROR_BAD_MAGIC, 20},
      {INTFORMER_ERROR_UNSUPPORTED_VERSION, 21},
      {INTFORMER_ERROR_CHECKSUM_MISMATCH, 22},
      {INTFORMER_ERROR_TRUNCATED_FILE, 23},
      {INTFORMER_ERROR_CORRUPT_FILE, 24},
      {INTFORMER_ERROR_TARGET_MISMATCH, 25},
      {INTFORMER_ERROR_UNSUPPORTED_MODEL, 26},
      {INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE, 40},
      {INTFORMER_ERROR_INPUT_TOO_LONG, 41},
      {INTFORMER_ERROR_TOKENIZER, 42},
  };
  std::set<std::string> strings;
  for (const auto& [code, value] : pinned) {
    EXPECT_EQ(static_cast<int>(code), value);
    const std::string s = intformer_status_string(code);
    EXPECT_NE(s, "unknown status") << value;
    EXPECT_TRUE(strings.insert(s).second) << "duplicate string " << s;
  }
  // An unknown value is checked from C (tests/runtime/c_api/c_api_c_test.c): in C++ an
  // intformer_status of 9999 cannot even be formed without undefined behaviour.
}

TEST(Status, CarriesCodeAndMessage) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "ok");
  const Status s = StatusF(INTFORMER_ERROR_CORRUPT_FILE, "tensor '%s': rank %u", "w", 9u);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), INTFORMER_ERROR_CORRUPT_FILE);
  EXPECT_EQ(s.message(), "tensor 'w': rank 9");
  EXPECT_EQ(s.ToString(), "corrupt model file: tensor 'w': rank 9");
  const auto fails = []() -> Status {
    INTFORMER_RETURN_IF_ERROR(Status(INTFORMER_ERROR_IO, "disk"));
    return Status::Ok();
  };
  EXPECT_EQ(fails().code(), INTFORMER_ERROR_IO);
}

TEST(Status, VersionMatchesTheProject) {
  EXPECT_STREQ(intformer_version(), INTFORMER_PROJECT_VERSION);
  EXPECT_EQ(INTFORMER_VERSION,
            INTFORMER_VERSION_MAJOR * 10000 + INTFORMER_VERSION_MINOR * 100 + INTFORMER_VERSION_PATCH);
}

TEST(Status, PublicHeaderIsPlainC) { EXPECT_EQ(intformer_c_header_check(), 1); }

}  // namespace
}  // namespace intformer
