// Every row of the GLUE dev sets and of hard_cases.txt, tokenized by our BERT and RoBERTa
// tokenizers, must give exactly the ids, type ids and attention mask that Hugging Face's
// tokenizers library gave (goldens written by tools/goldens/token_goldens.mjs). A mismatch
// prints the row, its text and both rows (or, for hashed files, our row and the golden hash).
#include <cstdio>
#include <string>
#include <vector>

#include "tests/sha256.h"
#include "tests/models/tokenizers/tokenizer_test_util.h"

namespace intformer {
namespace test {
namespace {

struct GoldenSet {
  const char* file;    // goldens/<tokenizer>/<file>
  const char* source;  // fixture TSV, or nullptr for hard_cases.txt
  std::vector<int> cols;
  int32_t max_length;  // 0: no truncation and no padding
  bool hashed;
};

const GoldenSet kSets[] = {
    {"sst2.txt", "glue/SST-2/dev.tsv", {0}, 0, false},
    {"mrpc.txt", "glue/MRPC/dev.tsv", {3, 4}, 0, false},
    {"rte.txt", "glue/RTE/dev.tsv", {0, 1}, 0, false},
    {"stsb.txt", "glue/STS-B/dev.tsv", {7, 8}, 0, false},
    {"qnli.txt", "glue/QNLI/dev.tsv", {1, 2}, 0, true},
    {"hard_cases.txt", nullptr, {}, 0, false},
    {"sst2_max16.txt", "glue/SST-2/dev.tsv", {0}, 16, false},
    {"mrpc_max40.txt", "glue/MRPC/dev.tsv", {3, 4}, 40, false},
    {"rte_max40.txt", "glue/RTE/dev.tsv", {0, 1}, 40, false},
    {"hard_cases_max8.txt", nullptr, {}, 8, false},
    {"grid_max10.txt", "grid", {}, 10, false},
};

struct Param {
  const char* tokenizer;
  const GoldenSet* set;
};

std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out.push_back(static_cast<char>(c));
  }
  return out;
}

// The generator's pair-truncation grid: "a a ... a" with 1..18 words on each side.
std::vector<std::vector<std::string>> TruncationGrid() {
  std::vector<std::vector<std::string>> rows;
  auto words = [](int n) {
    std::string s = "a";
    for (int i = 1; i < n; ++i) s += " a";
    return s;
  };
  for (int na = 1; na <= 18; ++na) {
    for (int nb = 1; nb <= 18; ++nb) rows.push_back({words(na), words(nb)});
  }
  return rows;
}

class TokenizerGolden : public ::testing::TestWithParam<Param> {};

TEST_P(TokenizerGolden, MatchesHuggingFace) {
  const Param& p = GetParam();
  const GoldenSet& set = *p.set;
  auto tok = MakeFixtureTokenizer(p.tokenizer);
  ASSERT_NE(tok, nullptr) << "fixture tokenizer missing under " << INTFORMER_FIXTURES_DIR;

  const auto rows = set.source == nullptr              ? ReadHardCases()
                    : std::string(set.source) == "grid" ? TruncationGrid()
                                                        : ReadTsv(set.source, set.cols);
  ASSERT_FALSE(rows.empty()) << "no input rows for " << set.file;
  std::string golden_text;
  const std::string golden_path =
      SourcePath(std::string("tests/models/tokenizers/goldens/") + p.tokenizer + "/" + set.file);
  ASSERT_TRUE(ReadFileBytes(golden_path, &golden_text)) << golden_path;
  std::vector<std::string> golden;
  for (const std::string& l : SplitLines(golden_text)) {
    if (!l.empty() && l[0] == '#') continue;
    golden.push_back(l);
  }
  ASSERT_EQ(golden.size(), rows.size()) << golden_path << " does not match its source rows";

  tokenizers::EncodeOptions opt;
  opt.truncation = set.max_length > 0;
  opt.pad_to_max_length = set.max_length > 0;
  opt.max_length = set.max_length > 0 ? set.max_length : 512;

  size_t mismatches = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string_view b = row.size() > 1 ? std::string_view(row[1]) : std::string_view();
    tokenizers::Encoding enc;
    const tokenizers::Status st = tok->Encode(row[0], row.size() > 1 ? &b : nullptr, opt, &enc);
    ASSERT_TRUE(st.ok()) << "row " << r << ": " << st.message;
    const std::string line = GoldenLine(enc);
    const std::string got = set.hashed ? Sha256Hex(line.data(), line.size()) : line;
    if (got == golden[r]) continue;
    if (++mismatches <= 10) {
      ADD_FAILURE() << p.tokenizer << "/" << set.file << " row " << r << "\n  text a: "
                    << Printable(row[0])
                    << (row.size() > 1 ? "\n  text b: " + Printable(row[1]) : std::string())
                    << "\n  ours:   " << line << "\n  golden: " << golden[r]
                    << (set.hashed ? "  (sha256 of HF's row; rerun the generator for ids)" : "");
    }
  }
  std::printf("[ golden   ] %s/%s: %zu rows checked, %zu mismatches\n", p.tokenizer, set.file,
              rows.size(), mismatches);
  RecordProperty("rows", static_cast<int>(rows.size()));
  RecordProperty("mismatches", static_cast<int>(mismatches));
  EXPECT_EQ(mismatches, 0u);
}

std::vector<Param> AllParams() {
  std::vector<Param> ps;
  for (const char* t : {"bert", "roberta"}) {
    for (const GoldenSet& s : kSets) ps.push_back({t, &s});
  }
  return ps;
}

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  std::string n = std::string(info.param.tokenizer) + "_" + info.param.set->file;
  for (char& c : n) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Goldens, TokenizerGolden, ::testing::ValuesIn(AllParams()), ParamName);

}  // namespace
}  // namespace test
}  // namespace intformer
