// Vocab (models/tokenizers/vocab.h) against the two plain maps it replaced, whose semantics the
// HF-golden tokenizer tests rely on: Set overwrites in both directions, later wins, ids without a
// token read as "", absent tokens find -1.
#include "models/tokenizers/vocab.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "models/tokenizers/tokenizer.h"
#include "tests/models/tokenizers/tokenizer_test_util.h"
#include "tests/test_util.h"

namespace intformer {
namespace {

using tokenizers::Vocab;

// The old representation, kept here as the executable specification.
struct ModelVocab {
  std::map<std::string, int32_t> token_to_id;
  std::vector<std::string> id_to_token;
  void Set(const std::string& token, int32_t id) {
    if (static_cast<size_t>(id) >= id_to_token.size()) id_to_token.resize(id + 1);
    id_to_token[id] = token;
    token_to_id[token] = id;
  }
};

void ExpectSame(const Vocab& v, const ModelVocab& m) {
  ASSERT_EQ(v.size(), m.id_to_token.size());
  EXPECT_EQ(v.empty(), m.token_to_id.empty());
  for (size_t id = 0; id < m.id_to_token.size(); ++id) {
    ASSERT_EQ(v.Token(static_cast<int32_t>(id)), m.id_to_token[id]) << "id " << id;
  }
  for (const auto& kv : m.token_to_id) ASSERT_EQ(v.Find(kv.first), kv.second) << kv.first;
}

TEST(Vocab, EmptyFindsNothing) {
  Vocab v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.Find("a"), -1);
  EXPECT_EQ(v.Find(""), -1);
  EXPECT_EQ(v.Token(0), "");
  EXPECT_EQ(v.Token(-1), "");
}

TEST(Vocab, MissingIdsReadEmptyAndAbsentTokensFindMinusOne) {
  Vocab v;
  ASSERT_TRUE(v.Set("[UNK]", 5));
  ASSERT_TRUE(v.Set("##ing", 2));
  EXPECT_EQ(v.size(), 6u);
  for (int32_t id : {-7, -1, 0, 1, 3, 4, 6, 1 << 30}) EXPECT_EQ(v.Token(id), "") << id;
  EXPECT_EQ(v.Token(5), "[UNK]");
  EXPECT_EQ(v.Find("##ing"), 2);
  for (const char* t : {"", "[UNK", "[UNK]]", "##in", "ing", "#"}) EXPECT_EQ(v.Find(t), -1) << t;
  EXPECT_FALSE(v.Set("neg", -1));
  EXPECT_EQ(v.Find("neg"), -1);
}

TEST(Vocab, LaterLineWinsInBothDirections) {
  Vocab v;
  ModelVocab m;
  auto set = [&](const std::string& t, int32_t id) {
    ASSERT_TRUE(v.Set(t, id));
    m.Set(t, id);
    ExpectSame(v, m);
  };
  set("a", 0);
  set("b", 1);
  set("a", 2);  // a repeated line: Find("a") moves to 2, Token(0) stays "a"
  EXPECT_EQ(v.Find("a"), 2);
  EXPECT_EQ(v.Token(0), "a");
  set("c", 1);  // an id given a second token: both tokens still find it
  EXPECT_EQ(v.Find("b"), 1);
  EXPECT_EQ(v.Find("c"), 1);
  EXPECT_EQ(v.Token(1), "c");
  set("d", 1);
  set("b", 3);  // the aliased token moves on
  set("", 4);   // an empty line is a token too, but its id reads as ""
  EXPECT_EQ(v.Find(""), 4);
  set("a", 0);
  set("a", 0);
}

TEST(Vocab, SetFromItsOwnBytes) {
  Vocab v;
  ModelVocab m;
  for (int32_t i = 0; i < 200; ++i) {
    const std::string t = "tok" + std::to_string(i);
    v.Set(t, i);
    m.Set(t, i);
  }
  // The views point into the arena, which must not move under them mid-Set.
  for (int32_t i = 0; i < 200; ++i) {
    const std::string t(v.Token(i));
    ASSERT_TRUE(v.Set(v.Token(i), 200 + i));
    m.Set(t, 200 + i);
  }
  ExpectSame(v, m);
}

// Thousands of short keys over a 3-letter alphabet with random ids in a small range: long probe
// chains, repeated tokens, ids given several tokens, table growth, all at once.
TEST(Vocab, CollisionHeavyRandomAgainstModel) {
  test::Rng rng(0x70cab);
  INTFORMER_SEED_TRACE(rng);
  Vocab v;
  ModelVocab m;
  for (int step = 0; step < 20000; ++step) {
    std::string t(static_cast<size_t>(rng.Uniform(0, 7)), 'a');
    for (char& c : t) c = static_cast<char>('a' + rng.Uniform(0, 2));
    const int32_t id = rng.Uniform(0, step < 10000 ? 3000 : 300);
    ASSERT_TRUE(v.Set(t, id));
    m.Set(t, id);
    if (step % 2500 == 0) ExpectSame(v, m);
  }
  ExpectSame(v, m);
  for (const char* absent : {"b", "aaaaaaaa", "abcabcab", "d"}) {
    if (m.token_to_id.count(absent) == 0) {
      EXPECT_EQ(v.Find(absent), -1) << absent;
    }
  }
}

// The point of the structure: a BERT-base vocabulary (30,522 tokens) in well under 1 MiB.
TEST(Vocab, BertBaseVocabularyIsCompact) {
  std::string txt;
  if (!test::ReadFileBytes(test::FixturePath("models/bert-base-uncased-vocab/vocab.txt"), &txt)) {
    GTEST_SKIP() << "fixture vocab.txt missing";
  }
  std::unique_ptr<tokenizers::Tokenizer> t;
  ASSERT_TRUE(tokenizers::Tokenizer::CreateWordPiece(txt, tokenizers::BertSettings(), &t).ok());
  EXPECT_EQ(t->vocab_size(), 30522u);
  Vocab v;
  size_t pos = 0;
  int32_t id = 0;
  while (pos < txt.size()) {
    const size_t nl = txt.find('\n', pos);
    ASSERT_TRUE(v.Set(std::string_view(txt).substr(pos, nl - pos), id++));
    pos = nl == std::string::npos ? txt.size() : nl + 1;
  }
  v.ShrinkToFit();
  std::printf("30522-token vocabulary: %zu heap bytes\n", v.HeapBytes());
  EXPECT_LT(v.HeapBytes(), size_t{1} << 20);
  EXPECT_EQ(v.Find("[UNK]"), t->TokenToId("[UNK]"));
  EXPECT_EQ(v.Find("##ing"), t->TokenToId("##ing"));
}

}  // namespace
}  // namespace intformer
