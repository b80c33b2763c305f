// The writer refuses what the reader would reject, and never leaves a partial model file:
// after any failure neither `<path>` nor `<path>.tmp.<pid>` exists, and a model already at
// `<path>` is left intact.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/models/format/format_test_util.h"

namespace intformer {
namespace {

using format::DType;
using test::Bytes;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string TmpOf(const std::string& path) { return path + ".tmp." + std::to_string(getpid()); }

Bytes ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

ModelWriter SampleWriter() {
  static const test::Sample s = test::MakeSample();
  ModelWriter w(kPackAvx2, format::IsaId::kAvx2);
  test::FillWriter(s, &w);
  return w;
}

TEST(FormatWriter, RejectsWhatTheReaderWould) {
  ModelWriter w(kPackAvx2);
  const int8_t data[8] = {0};
  const auto invalid = [](const Status& s) { return s.code() == INTFORMER_ERROR_INVALID_ARGUMENT; };
  EXPECT_TRUE(invalid(w.AddU32("", 1)));
  EXPECT_TRUE(invalid(w.AddU32("has space", 1)));
  EXPECT_TRUE(invalid(w.AddU32(std::string(257, 'k'), 1)));
  EXPECT_TRUE(w.AddU32(std::string(256, 'k'), 1).ok());
  EXPECT_TRUE(w.AddU32("a", 1).ok());
  EXPECT_TRUE(invalid(w.AddI64("a", 1)));  // duplicate key
  EXPECT_TRUE(invalid(w.AddString("s", std::string("a\0b", 3))));
  EXPECT_TRUE(invalid(w.AddString("s", "\xc3")));
  EXPECT_TRUE(invalid(w.AddRaw("r", static_cast<uint32_t>(format::MetaType::kU32), data, 3)));
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {2, 3}, 0, data, 8)));      // size
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {2, 0}, 0, data, 8)));      // zero dim
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {1, 1, 1, 1, 8}, 0, data, 8)));  // rank
  EXPECT_TRUE(invalid(w.AddTensor("t", static_cast<DType>(42), {8}, 0, data, 8)));
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {8}, kPackNeon, data, 8)));  // not the target
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {uint64_t{1} << 63, 4}, 0, data, 8)));
  EXPECT_TRUE(invalid(w.AddTensor("t", DType::kS8, {8}, 0, nullptr, 8)));
  EXPECT_TRUE(w.AddTensor("t", DType::kS8, {8}, 0, data, 8).ok());
  const Status dup = w.AddTensor("t", DType::kS8, {8}, 0, data, 8);
  EXPECT_TRUE(invalid(dup));
  EXPECT_NE(dup.message().find("tensor 't': duplicate name"), std::string::npos) << dup.ToString();
  Bytes b;
  ASSERT_TRUE(w.Finish(&b).ok());
  EXPECT_TRUE(test::OpenBytes(b).ok());  // only the accepted calls made it into the file
}

TEST(FormatWriter, UnwritableDirectoryLeavesNothing) {
  const std::string path = test::TempPath("no_such_dir") + "/model.ifm";
  const Status s = SampleWriter().WriteFile(path);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_IO) << s.ToString();
  EXPECT_NE(s.message().find("cannot create"), std::string::npos) << s.ToString();
  EXPECT_FALSE(Exists(path));
  EXPECT_FALSE(Exists(TmpOf(path)));
}

TEST(FormatWriter, FailedRenameRemovesTheTemporary) {
  // The target is a non-empty directory: everything succeeds until rename() refuses.
  const std::string dir = test::TempPath("is_a_dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  const std::string inside = dir + "/keep";
  std::ofstream(inside) << "x";
  const Status s = SampleWriter().WriteFile(dir);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_IO) << s.ToString();
  EXPECT_NE(s.message().find("rename"), std::string::npos) << s.ToString();
  EXPECT_FALSE(Exists(TmpOf(dir)));
  std::remove(inside.c_str());
  rmdir(dir.c_str());
}

TEST(FormatWriter, InjectedWriteFailureKeepsTheOldModel) {
  const std::string path = test::TempPath("replace.ifm");
  ModelWriter old;
  ASSERT_TRUE(old.AddString("architecture", "old").ok());
  ASSERT_TRUE(old.WriteFile(path).ok());
  const Bytes before = ReadAll(path);

  ModelWriter w = SampleWriter();
  Bytes full;
  ASSERT_TRUE(w.Finish(&full).ok());
  // In the header, in the metadata, in the table, in the padding, inside a blob, at the last byte.
  for (uint64_t fail_at : {uint64_t{0}, uint64_t{100}, uint64_t{200}, uint64_t{700},
                           uint64_t{full.size() - 40}, uint64_t{full.size() - 1}}) {
    SCOPED_TRACE(fail_at);
    WriteFileOptions o;
    o.fail_after_bytes = fail_at;
    const Status s = w.WriteFile(path, o);
    EXPECT_EQ(s.code(), INTFORMER_ERROR_IO) << s.ToString();
    EXPECT_NE(s.message().find("No space left"), std::string::npos) << s.ToString();
    EXPECT_FALSE(Exists(TmpOf(path)));
    EXPECT_EQ(ReadAll(path), before);
  }
  WriteFileOptions exact;
  exact.fail_after_bytes = full.size();  // the whole file fits: success
  ASSERT_TRUE(w.WriteFile(path, exact).ok());
  EXPECT_EQ(ReadAll(path), full);
  EXPECT_FALSE(Exists(TmpOf(path)));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace intformer
