// Identical results everywhere: the SHA-256 of the int32 logits of sst2-bert-tiny on the first
// 256 GLUE SST-2 dev sentences is ONE committed value, whatever the target, the packed layout,
// the dispatched kernels or the CPU. The model files are converted on the host (tools/convert
// cannot run in cross builds): the ctest fixture convert_golden_models in a native build, or
// scripts/test_cross.sh for the cross builds, writes sst2-bert-tiny.<target>.ifm into
// INTFORMER_CONVERTED_DIR (environment variable, else the CMake cache variable of that name).
// Each target tokenizes the TSV itself (every build has the tokenizers); the hash covers the
// logits only: 256 x num_labels int32, little-endian, row after row, each sentence run alone
// (batch 1, its own length).
//
// A layout this build/CPU cannot run (an ARM file on x86, i8mm under a qemu model without it)
// must be refused by the loader with TARGET_MISMATCH, and the test then skips (never passes).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/encoder.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "tests/sha256.h"

namespace intformer {
namespace {

// Written by the x86 ref-packed run under INTFORMER_MAX_ISA=scalar (the normative kernels).
constexpr char kGoldenSha256[] =
    "97cf3fede3ab4a248ec76326b5be5b093b0a3a08d3a741a84d5d174ab40bd478";
constexpr size_t kRows = 256;

std::string ConvertedDir() {
  const char* env = std::getenv("INTFORMER_CONVERTED_DIR");
  return env != nullptr && *env != '\0' ? env : INTFORMER_CONVERTED_DIR;
}

// The first `count` sentences of GLUE SST-2 dev (sentence<TAB>label after a header line).
std::vector<std::string> DevSentences(size_t count) {
  std::vector<std::string> out;
  std::ifstream in(std::string(INTFORMER_FIXTURES_DIR) + "/glue/SST-2/dev.tsv");
  std::string line;
  std::getline(in, line);
  while (out.size() < count && std::getline(in, line)) {
    const size_t tab = line.rfind('\t');
    if (tab != std::string::npos) out.push_back(line.substr(0, tab));
  }
  return out;
}

class GoldenLogits : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenLogits, Sst2BertTinyFirst256Dev) {
  const std::string target = GetParam();
  const std::string path = ConvertedDir() + "/sst2-bert-tiny." + target + ".ifm";
  if (!std::ifstream(path).good()) {
    GTEST_SKIP() << path << " is absent: run the native ctest fixture convert_golden_models or "
                 << "scripts/test_cross.sh, which convert it on the host";
  }
  const GemmPacker* packer = nullptr;
  for (size_t i = 0; i < kGemmPackerCount; ++i) {
    if (target == kGemmPackers[i].target) packer = &kGemmPackers[i];
  }
  ASSERT_NE(packer, nullptr);
  std::unique_ptr<ModelFile> file;
  const Status fs = ModelFile::OpenPath(path, ReaderOptions(), &file);
  ASSERT_TRUE(fs.ok()) << fs.ToString();
  ASSERT_EQ(file->target_pack_format(), packer->pack_format);
  std::unique_ptr<Model> model;
  const Status ls = Model::Load(std::move(file), &model);
  if (FindGemmKernel(packer->pack_format) == nullptr) {
    ASSERT_EQ(ls.code(), INTFORMER_ERROR_TARGET_MISMATCH) << ls.ToString();
    GTEST_SKIP() << "packed for " << target << ", which this build/CPU does not run: the loader "
                 << "refused it with TARGET_MISMATCH, as designed";
  }
  ASSERT_TRUE(ls.ok()) << ls.ToString();

  SessionOptions so;
  so.max_seq = 128;
  std::unique_ptr<Session> session;
  ASSERT_TRUE(Session::Create(*model, so, &session).ok());
  const std::vector<std::string> dev = DevSentences(kRows);
  ASSERT_EQ(dev.size(), kRows);
  const size_t labels = model->info().num_labels;
  std::vector<uint8_t> bytes;
  std::vector<int32_t> logits(labels);
  tokenizers::EncodeOptions eo = model->tokenizer().settings().encode;
  eo.max_length = 128;
  eo.pad_to_max_length = false;
  for (const std::string& sentence : dev) {
    tokenizers::Encoding e;
    const tokenizers::Status ts = model->tokenizer().Encode(sentence, nullptr, eo, &e);
    ASSERT_TRUE(ts.ok()) << ts.message;
    const Status rs = session->Run(e.ids.data(), e.type_ids.data(), e.attention_mask.data(), 1,
                                   e.size(), logits.data());
    ASSERT_TRUE(rs.ok()) << rs.ToString();
    for (int32_t v : logits) {
      const uint32_t u = static_cast<uint32_t>(v);
      for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<uint8_t>(u >> (8 * b)));
    }
  }
  const std::string sha = test::Sha256Hex(bytes.data(), bytes.size());
  std::printf("golden logits: %s file, gemm kernel %s, sha256 %s\n", target.c_str(),
              FindGemmKernel(packer->pack_format)->name, sha.c_str());
  RecordProperty("sha256", sha);
  EXPECT_EQ(sha, kGoldenSha256);
}

INSTANTIATE_TEST_SUITE_P(Targets, GoldenLogits,
                         ::testing::Values("ref", "avx2", "avx512vnni", "neon", "neondot",
                                           "i8mm"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           return std::string(i.param);
                         });

// The hash itself, against FIPS 180-4's published examples.
TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(test::Sha256Hex("abc", 3),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char* two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(test::Sha256Hex(two, 56),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(test::Sha256Hex("", 0),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace intformer
