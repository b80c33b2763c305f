// The CLI's TSV reader on the shapes GLUE files take: header, BOM, CRLF, bare quotes, blank
// lines, pairs by name / index / GLUE auto-detection, and rows too short for a column.
#include "tools/cli/tsv.h"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace intformer {
namespace cli {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(Tsv, MrpcShapeWithBomCrlfAndQuotes) {
  const std::string path =
      Write("mrpc.tsv", "\xEF\xBB\xBFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                        "1\t11\t12\tHe said \"yes\" .\tHe agreed .\r\n\r\n"
                        "0\t21\t22\tA\tB\r\n");
  TsvTable t;
  std::string error;
  ASSERT_TRUE(ReadTsv(path, true, &t, &error)) << error;
  ASSERT_EQ(t.header.size(), 5u);
  EXPECT_EQ(t.header[0], "Quality");  // the BOM is gone
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.line_numbers[1], 4u);
  EXPECT_EQ(t.rows[0][3], "He said \"yes\" .");  // no quote processing
  EXPECT_EQ(t.rows[0][4], "He agreed .");        // no trailing \r
  std::vector<size_t> cols;
  ASSERT_TRUE(SelectTextColumns(t, {}, &cols, &error)) << error;
  EXPECT_EQ(cols, (std::vector<size_t>{3, 4}));
  ASSERT_TRUE(SelectTextColumns(t, {"#2 String", "3"}, &cols, &error)) << error;
  EXPECT_EQ(cols, (std::vector<size_t>{4, 3}));
}

TEST(Tsv, SingleSentenceAndHeaderless) {
  const std::string path = Write("sst2.tsv", "sentence\tlabel\nit 's good\t1\nbad\t0\n");
  TsvTable t;
  std::string error;
  ASSERT_TRUE(ReadTsv(path, true, &t, &error));
  std::vector<size_t> cols;
  ASSERT_TRUE(SelectTextColumns(t, {}, &cols, &error));
  EXPECT_EQ(cols, std::vector<size_t>{0});
  ASSERT_TRUE(ReadTsv(path, false, &t, &error));
  EXPECT_TRUE(t.header.empty());
  EXPECT_EQ(t.rows.size(), 3u);
  ASSERT_TRUE(SelectTextColumns(t, {}, &cols, &error));
  EXPECT_EQ(cols, std::vector<size_t>{0});
}

TEST(Tsv, ErrorsNameTheProblem) {
  const std::string path = Write("short.tsv", "a\tb\tc\nx\ty\tz\nonly\n");
  TsvTable t;
  std::string error;
  ASSERT_TRUE(ReadTsv(path, true, &t, &error));
  std::vector<size_t> cols;
  EXPECT_FALSE(SelectTextColumns(t, {}, &cols, &error));  // no known column name
  EXPECT_FALSE(SelectTextColumns(t, {"2"}, &cols, &error));
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_FALSE(SelectTextColumns(t, {"nope"}, &cols, &error));
  EXPECT_FALSE(SelectTextColumns(t, {"a", "b", "c"}, &cols, &error));
  EXPECT_FALSE(ReadTsv(testing::TempDir() + "/does-not-exist.tsv", true, &t, &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace cli
}  // namespace intformer
