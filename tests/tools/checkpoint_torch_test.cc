// pytorch_model.bin: the zip container and the safe pickle subset, on hand-made archives.
#include <gtest/gtest.h>

#include <string>

#include "tests/test_util.h"
#include "tests/tools/bad_files.h"
#include "tools/convert/checkpoint.h"
#include "tools/convert/torch_pickle.h"

namespace intformer {
namespace {

using convert::CheckpointReader;
using convert::StatusCode;
using test::Bytes;

StatusCode PickleCode(const Bytes& p) {
  std::vector<convert::PickledTensor> out;
  convert::Status st = convert::ParseStateDictPickle(p.data(), p.size(), "test.pkl", &out);
  if (!st.ok()) std::printf("  -> %s\n", st.ToString().c_str());
  return st.code();
}

StatusCode OpenCode(const Bytes& b) {
  auto r = CheckpointReader::FromBytes(b, "test.bin");
  if (!r.ok()) std::printf("  -> %s\n", r.status().ToString().c_str());
  return r.ok() ? StatusCode::kOk : r.status().code();
}

TEST(TorchZip, HandMadeStateDictReads) {
  const Bytes p = test::StateDictPickle("bert.pooler.dense.weight", "FloatStorage", 6, 0, {2, 3}, {3, 1});
  auto r = CheckpointReader::FromBytes(test::MakeTorchZip(p, test::FloatBytes({1, 2, 3, 4, 5, 6})), "ok.bin");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto t = r->Fetch("pooler.dense.weight");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t->data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(TorchZip, NonContiguousStridesAndOffsetAreGathered) {
  // A transposed view with a storage offset: element (i, j) at 1 + i + 2 j of storage [0..6].
  const Bytes p = test::StateDictPickle("w", "FloatStorage", 7, 1, {2, 3}, {1, 2});
  auto r = CheckpointReader::FromBytes(test::MakeTorchZip(p, test::FloatBytes({0, 1, 2, 3, 4, 5, 6})), "t.bin");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Fetch("w")->data, (std::vector<float>{1, 3, 5, 2, 4, 6}));
  // The same view reaching past its storage is refused.
  const Bytes far = test::StateDictPickle("w", "FloatStorage", 7, 2, {2, 3}, {1, 2});
  EXPECT_EQ(OpenCode(test::MakeTorchZip(far, test::FloatBytes({0, 1, 2, 3, 4, 5, 6}))),
            StatusCode::kOffsetOutOfRange);
  const Bytes neg = test::StateDictPickle("w", "FloatStorage", 7, 6, {2, 3}, {-1, 2});
  EXPECT_EQ(OpenCode(test::MakeTorchZip(neg, test::FloatBytes({0, 1, 2, 3, 4, 5, 6}))),
            StatusCode::kUnsupportedLayout);
}

TEST(TorchZip, LongStorageOpensButIsNoWeight) {
  const Bytes p = test::StateDictPickle("embeddings.position_ids", "LongStorage", 2, 0, {1, 2}, {2, 1});
  auto r = CheckpointReader::FromBytes(test::MakeTorchZip(p, Bytes(16, 0)), "ids.bin");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Fetch("embeddings.position_ids").status().code(), StatusCode::kUnsupportedDtype);
}

TEST(TorchZip, StorageSmallerThanDeclared) {
  const Bytes p = test::StateDictPickle("w", "FloatStorage", 6, 0, {2, 3}, {3, 1});
  EXPECT_EQ(OpenCode(test::MakeTorchZip(p, test::FloatBytes({1, 2, 3}))), StatusCode::kSizeMismatch);
}

TEST(TorchZip, CompressedEntryRefused) {
  const Bytes p = test::StateDictPickle("w", "FloatStorage", 1, 0, {1}, {1});
  const Bytes z = test::MakeZip({{"archive/data.pkl", p}, {"archive/data/0", test::FloatBytes({1})}}, 8);
  EXPECT_EQ(OpenCode(z), StatusCode::kCompressedEntry);
}

TEST(TorchZip, TruncatedAndNotZip) {
  Bytes real;
  ASSERT_TRUE(convert::ReadFileBytes(std::string(INTFORMER_FIXTURES_DIR) +
                                         "/models/sst2-bert-tiny/pytorch_model.bin", &real).ok());
  real.resize(real.size() - 100);  // the end-of-central-directory record is gone
  EXPECT_EQ(OpenCode(real), StatusCode::kBadZip);
  const Bytes no_pkl = test::MakeZip({{"archive/data/0", test::FloatBytes({1})}});
  EXPECT_EQ(OpenCode(no_pkl), StatusCode::kBadZip);
}

TEST(Pickle, OsSystemRefused) {
  // cos\nsystem\n X'ls' TUPLE1 REDUCE STOP: what a malicious "checkpoint" would run on load.
  const Bytes p = {0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n',
                   'X', 2, 0, 0, 0, 'l', 's', 0x85, 'R', '.'};
  EXPECT_EQ(PickleCode(p), StatusCode::kUnsafePickle);
  EXPECT_EQ(OpenCode(test::MakeTorchZip(p, {})), StatusCode::kUnsafePickle);
}

TEST(Pickle, BuiltinsEvalViaStackGlobalRefused) {
  // Protocol 4: SHORT_BINUNICODE 'builtins', 'eval', STACK_GLOBAL, then the call.
  Bytes p = {0x80, 4, 0x8c, 8};
  for (char c : std::string("builtins")) p.push_back(static_cast<uint8_t>(c));
  p.push_back(0x8c);
  p.push_back(4);
  for (char c : std::string("eval")) p.push_back(static_cast<uint8_t>(c));
  const Bytes tail = {0x93, 0x8c, 1, '1', 0x85, 'R', '.'};
  p.insert(p.end(), tail.begin(), tail.end());
  EXPECT_EQ(PickleCode(p), StatusCode::kUnsafePickle);
}

TEST(Pickle, StorageTypeAsCallableAndObjOpcodesRefused) {
  const Bytes call_storage = {0x80, 2, 'c', 't', 'o', 'r', 'c', 'h', '\n', 'F', 'l', 'o', 'a', 't',
                              'S', 't', 'o', 'r', 'a', 'g', 'e', '\n', ')', 'R', '.'};
  EXPECT_EQ(PickleCode(call_storage), StatusCode::kUnsafePickle);
  const Bytes newobj = {0x80, 2, ')', ')', 0x81, '.'};
  EXPECT_EQ(PickleCode(newobj), StatusCode::kUnsafePickle);
}

TEST(Pickle, MutatedStreamsNeverCrash) {
  // Every single-byte corruption and every truncation of a valid stream gives a status.
  const Bytes good = test::StateDictPickle("w", "FloatStorage", 6, 0, {2, 3}, {3, 1});
  ASSERT_EQ(PickleCode(good), StatusCode::kOk);
  test::Rng rng(7);
  INTFORMER_SEED_TRACE(rng);
  int refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (int k = 0; k < 4; ++k) {
      Bytes b = good;
      b[i] = static_cast<uint8_t>(rng.Uniform(0, 255));
      std::vector<convert::PickledTensor> out;
      refused += !convert::ParseStateDictPickle(b.data(), b.size(), "m", &out).ok();
    }
    std::vector<convert::PickledTensor> out;
    EXPECT_FALSE(convert::ParseStateDictPickle(good.data(), i, "cut", &out).ok()) << i;
  }
  std::printf("%d of %zu mutated streams refused\n", refused, good.size() * 4);
}

}  // namespace
}  // namespace intformer
