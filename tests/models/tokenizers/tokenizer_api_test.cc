// The tokenizer API around the goldens: the converter-side HF loader, the settings blob, error
// statuses on bad input, padding, robustness on random bytes and huge words, thread safety.
#include <cstdio>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "tests/models/tokenizers/tokenizer_test_util.h"
#include "tests/test_util.h"
#include "tools/offline/hf_tokenizer.h"

namespace intformer {
namespace test {
namespace {

using tokenizers::Encoding;
using tokenizers::EncodeOptions;
using tokenizers::Status;
using tokenizers::StatusCode;
using tokenizers::Tokenizer;
using tokenizers::TokenizerData;
using tokenizers::TokenizerKind;
using tokenizers::TokenizerSettings;

std::vector<int32_t> Ids(const Tokenizer& t, const std::string& text) {
  Encoding e;
  EXPECT_TRUE(t.Encode(text, &e).ok());
  return e.ids;
}

TEST(HfTokenizerLoader, BertFixtureDirectory) {
  TokenizerData d;
  const Status st = offline::LoadHfTokenizerDir(FixturePath("models/sst2-bert-tiny"), &d);
  ASSERT_TRUE(st.ok()) << st.message;
  EXPECT_EQ(d.settings.kind, TokenizerKind::kWordPiece);
  EXPECT_TRUE(d.settings.lowercase);
  EXPECT_TRUE(d.settings.strip_accents);
  EXPECT_EQ(d.settings.encode.max_length, 512);
  std::unique_ptr<Tokenizer> t;
  ASSERT_TRUE(Tokenizer::Create(d, &t).ok());
  EXPECT_EQ(t->settings().cls_id, 101);
  EXPECT_EQ(t->settings().sep_id, 102);
  EXPECT_EQ(t->settings().pad_id, 0);
  EXPECT_EQ(t->settings().unk_id, 100);
  EXPECT_EQ(t->settings().mask_id, 103);
  EXPECT_EQ(t->vocab_size(), 30522u);
  EXPECT_EQ(Ids(*t, "Hello, World!"), (std::vector<int32_t>{101, 7592, 1010, 2088, 999, 102}));
}

TEST(HfTokenizerLoader, RobertaFixtureDirectoryHonoursTokenizerJson) {
  TokenizerData d;
  const Status st = offline::LoadHfTokenizerDir(FixturePath("models/sst2-roberta-tiny"), &d);
  ASSERT_TRUE(st.ok()) << st.message;
  EXPECT_EQ(d.settings.kind, TokenizerKind::kByteLevelBpe);
  EXPECT_FALSE(d.settings.add_prefix_space);
  EXPECT_EQ(d.settings.cls_id, 0);
  EXPECT_EQ(d.settings.sep_id, 2);
  ASSERT_EQ(d.settings.added_tokens.size(), 5u);
  EXPECT_EQ(d.settings.added_tokens[4].id, 50261);
  EXPECT_TRUE(d.settings.added_tokens[4].lstrip);
  std::unique_ptr<Tokenizer> from_dir;
  ASSERT_TRUE(Tokenizer::Create(d, &from_dir).ok());
  auto defaults = MakeFixtureTokenizer("roberta");
  ASSERT_NE(defaults, nullptr);
  EXPECT_EQ(from_dir->settings().pad_id, 1);
  for (const auto& row : ReadHardCases()) EXPECT_EQ(Ids(*from_dir, row[0]), Ids(*defaults, row[0]));
}

TEST(HfTokenizerLoader, TokenizerJsonAloneIsEnough) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("intformer_tok_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(FixturePath("models/sst2-roberta-tiny/tokenizer.json"), dir / "tokenizer.json",
                fs::copy_options::overwrite_existing);
  TokenizerData d;
  const Status st = offline::LoadHfTokenizerDir(dir.string(), &d);
  fs::remove_all(dir);
  ASSERT_TRUE(st.ok()) << st.message;
  std::unique_ptr<Tokenizer> t;
  const Status st2 = Tokenizer::Create(d, &t);
  ASSERT_TRUE(st2.ok()) << st2.message;
  auto ref = MakeFixtureTokenizer("roberta");
  for (const auto& row : ReadHardCases()) EXPECT_EQ(Ids(*t, row[0]), Ids(*ref, row[0]));
}

TEST(HfTokenizerLoader, RefusesWhatItCannotReproduce) {
  TokenizerSettings s = tokenizers::BertSettings();
  EXPECT_EQ(offline::ApplyHfTokenizerJson("{\"normalizer\":{\"type\":\"NFKC\"}}", &s).code,
            StatusCode::kBadSettings);
  EXPECT_EQ(offline::ApplyHfTokenizerJson("[1,2]", &s).code, StatusCode::kBadSettings);
  EXPECT_EQ(offline::ApplyHfTokenizerJson("{\"added_tokens\":[{\"id\":5,\"normalized\":true}]}", &s)
                .code,
            StatusCode::kBadSettings);
  EXPECT_TRUE(offline::ApplyHfTokenizerConfig("{\"do_lower_case\":false}", &s).ok());
  EXPECT_FALSE(s.lowercase);
  EXPECT_FALSE(s.strip_accents);
}

TEST(TokenizerSettings, BlobRoundTripAndRejection) {
  auto t = MakeFixtureTokenizer("roberta");
  ASSERT_NE(t, nullptr);
  std::string blob;
  tokenizers::SerializeSettings(t->settings(), &blob);
  TokenizerSettings back;
  ASSERT_TRUE(tokenizers::ParseSettings(blob, &back).ok());
  std::string again;
  tokenizers::SerializeSettings(back, &again);
  EXPECT_EQ(blob, again);
  EXPECT_EQ(back.added_tokens.size(), t->settings().added_tokens.size());
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    EXPECT_EQ(tokenizers::ParseSettings(blob.substr(0, cut), &back).code, StatusCode::kBadSettings)
        << "cut at " << cut;
  }
  std::string bad = blob;
  bad[0] = 'X';
  EXPECT_EQ(tokenizers::ParseSettings(bad, &back).code, StatusCode::kBadSettings);
  EXPECT_EQ(tokenizers::ParseSettings(blob + "x", &back).code, StatusCode::kBadSettings);
}

TEST(TokenizerErrors, BadVocabulariesAndSettingsAnswerWithStatus) {
  std::unique_ptr<Tokenizer> t;
  const TokenizerSettings bert = tokenizers::BertSettings(), roberta = tokenizers::RobertaSettings();
  EXPECT_EQ(Tokenizer::CreateWordPiece("", bert, &t).code, StatusCode::kBadVocab);
  EXPECT_EQ(Tokenizer::CreateWordPiece("[CLS]\n[SEP]\n[PAD]\nhello\n", bert, &t).code,
            StatusCode::kBadVocab);  // no [UNK]
  EXPECT_EQ(Tokenizer::CreateWordPiece("[UNK]\n", roberta, &t).code, StatusCode::kInvalidArgument);
  for (const char* json : {"", "{", "{\"a\":}", "{\"a\":-1}", "{\"a\":1,}", "{\"\\ud800\":1}",
                           "{\"a\":1} x", "{}"}) {
    EXPECT_EQ(Tokenizer::CreateByteLevelBpe(json, "", roberta, &t).code, StatusCode::kBadVocab)
        << json;
  }
  std::string vocab_json, merges;
  ASSERT_TRUE(ReadFileBytes(FixturePath("models/sst2-roberta-tiny/vocab.json"), &vocab_json));
  ASSERT_TRUE(ReadFileBytes(FixturePath("models/sst2-roberta-tiny/merges.txt"), &merges));
  EXPECT_EQ(Tokenizer::CreateByteLevelBpe(vocab_json, "#version: 0.2\nabc\n", roberta, &t).code,
            StatusCode::kBadMerges);
  EXPECT_EQ(Tokenizer::CreateByteLevelBpe(vocab_json, "zzzq qqqz\n", roberta, &t).code,
            StatusCode::kBadMerges);
  EXPECT_EQ(Tokenizer::CreateByteLevelBpe("{\"a\":0}", merges, roberta, &t).code,
            StatusCode::kBadVocab);  // byte alphabet missing

  auto bt = MakeFixtureTokenizer("bert");
  ASSERT_NE(bt, nullptr);
  EncodeOptions o;
  o.max_length = 2;
  Encoding e;
  const std::string_view b = "pair";
  EXPECT_EQ(bt->Encode("text", &b, o, &e).code, StatusCode::kMaxLengthTooSmall);
  EXPECT_TRUE(bt->Encode("text", nullptr, o, &e).ok());
  EXPECT_EQ(e.ids, (std::vector<int32_t>{101, 102}));
  EXPECT_EQ(bt->Encode("text", nullptr, o, nullptr).code, StatusCode::kInvalidArgument);
}

TEST(TokenizerEncode, PaddingTypeIdsAndNoSpecials) {
  for (const char* name : {"bert", "roberta"}) {
    auto t = MakeFixtureTokenizer(name);
    ASSERT_NE(t, nullptr);
    const bool bert = std::string(name) == "bert";
    EncodeOptions o;
    o.max_length = 12;
    o.pad_to_max_length = true;
    Encoding e;
    const std::string_view b = "world";
    ASSERT_TRUE(t->Encode("hello", &b, o, &e).ok());
    ASSERT_EQ(e.size(), 12u);
    const size_t real = bert ? 5 : 6;
    for (size_t i = 0; i < 12; ++i) {
      EXPECT_EQ(e.attention_mask[i], i < real ? 1 : 0) << name << " " << i;
      if (i >= real) {
        EXPECT_EQ(e.ids[i], bert ? 0 : 1);
      }
    }
    EXPECT_EQ(e.type_ids[real - 1], bert ? 1 : 0);
    std::vector<int32_t> plain;
    ASSERT_TRUE(t->Tokenize("hello world", &plain).ok());
    Encoding full;
    ASSERT_TRUE(t->Encode("hello world", &full).ok());
    EXPECT_EQ(plain, std::vector<int32_t>(full.ids.begin() + 1, full.ids.end() - 1));
    EXPECT_EQ(t->TokenToId(t->IdToToken(full.ids[1])), full.ids[1]);
    EXPECT_EQ(t->IdToToken(-5), "");
  }
}

TEST(TokenizerRobustness, RandomBytesNeverFailAndStayInVocabulary) {
  for (const char* name : {"bert", "roberta"}) {
    auto t = MakeFixtureTokenizer(name);
    ASSERT_NE(t, nullptr);
    Rng rng(std::string(name).size());
    INTFORMER_SEED_TRACE(rng);
    for (int k = 0; k < 1500; ++k) {
      std::string s(static_cast<size_t>(rng.Uniform(0, 120)), '\0');
      // Mostly ASCII with some high bytes, so words, invalid sequences and UTF-8 all occur.
      for (char& c : s) {
        c = static_cast<char>(rng.Uniform(0, 3) ? rng.Uniform(0, 127) : rng.Uniform(128, 255));
      }
      Encoding e;
      ASSERT_TRUE(t->Encode(s, &e).ok());
      for (int32_t id : e.ids) ASSERT_TRUE(id >= 0 && static_cast<size_t>(id) < t->vocab_size());
    }
  }
}

TEST(TokenizerRobustness, HugeWordsStayFast) {
  const std::string word(200000, 'a');
  auto bert = MakeFixtureTokenizer("bert");
  auto roberta = MakeFixtureTokenizer("roberta");
  ASSERT_TRUE(bert && roberta);
  EncodeOptions o;
  o.truncation = false;
  Encoding e;
  ASSERT_TRUE(bert->Encode(word, nullptr, o, &e).ok());
  EXPECT_EQ(e.ids, (std::vector<int32_t>{101, 100, 102}));  // longer than 100 chars -> [UNK]
  ASSERT_TRUE(roberta->Encode(word, nullptr, o, &e).ok());  // one 200000-byte BPE piece
  EXPECT_GT(e.size(), 2u);
  ASSERT_TRUE(roberta->Encode(word, &e).ok());  // default options truncate to 512
  EXPECT_EQ(e.size(), 512u);
}

TEST(TokenizerConcurrency, ParallelEncodesAgree) {
  auto t = MakeFixtureTokenizer("roberta");
  ASSERT_NE(t, nullptr);
  const auto rows = ReadTsv("glue/SST-2/dev.tsv", {0});
  ASSERT_FALSE(rows.empty());
  std::vector<std::vector<int32_t>> serial;
  for (const auto& r : rows) serial.push_back(Ids(*t, r[0]));
  auto fresh = MakeFixtureTokenizer("roberta");  // empty cache, so both threads fill it at once
  std::vector<std::vector<int32_t>> out[2];
  std::thread th[2];
  for (int k = 0; k < 2; ++k) {
    th[k] = std::thread([&, k] {
      for (const auto& r : rows) {
        Encoding e;
        fresh->Encode(r[0], &e);
        out[k].push_back(e.ids);
      }
    });
  }
  for (auto& x : th) x.join();
  EXPECT_EQ(out[0], serial);
  EXPECT_EQ(out[1], serial);
}

}  // namespace
}  // namespace test
}  // namespace intformer
