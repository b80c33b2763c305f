// Embedding: variants bit-exact with ref (hidden 1..2*lanes+1 and model widths, -128/127,
// extreme dyadics, with and without a type table); bad ids rejected before any read; ref against
// double math through the offline common scale.
#include "ops/embedding/embedding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/test_util.h"
#include "tools/offline/embedding_params.h"

namespace intformer {
namespace {

class EmbeddingVariant : public ::testing::TestWithParam<const EmbeddingKernel*> {
 protected:
  void SetUp() override { INTFORMER_SKIP_IF_MISSING(GetParam()->isa); }
};

struct Tables {
  std::vector<int8_t> word, pos, type;
  EmbeddingParams p;
  Tables(test::Rng& rng, size_t hidden, size_t type_rows) {
    word = rng.Vector<int8_t>(50 * hidden, -128, 127);
    pos = rng.Vector<int8_t>(20 * hidden, -128, 127);
    type = rng.Vector<int8_t>(std::max<size_t>(type_rows, 1) * hidden, -128, 127);
    for (size_t i = 0; i < hidden; ++i) word[i] = -128, word[hidden + i] = 127;
    p.hidden = hidden;
    p.word = {word.data(), 50, kDyadicOne};
    p.pos = {pos.data(), 20, kDyadicOne};
    p.type = {type_rows > 0 ? type.data() : nullptr, type_rows, kDyadicOne};
  }
};

// Trials 0-4: the three tables' dyadics at the extremes, rotated; later trials: random ones.
void SetScales(test::Rng& rng, int trial, EmbeddingParams* p) {
  const Dyadic extremes[] = {kDyadicOne, {0, 1}, {INT32_MAX, 1}, {INT32_MAX, 62}, {1 << 30, 8}};
  if (trial < 5) {
    p->word.scale = extremes[trial];
    p->pos.scale = extremes[(trial + 2) % 5];
    p->type.scale = extremes[(trial + 4) % 5];
  } else {
    for (EmbeddingTable* tb : {&p->word, &p->pos, &p->type})
      tb->scale = {rng.Uniform(1 << 30, INT32_MAX), rng.Uniform(1, 62)};
  }
}

TEST_P(EmbeddingVariant, BitExactWithRef) {
  const EmbeddingKernel& k = *GetParam();
  test::Rng rng(41);
  INTFORMER_SEED_TRACE(rng);
  std::vector<size_t> widths;
  for (size_t h = 1; h <= 33; ++h) widths.push_back(h);
  for (size_t h : {64, 312, 768, 1023}) widths.push_back(h);
  for (size_t h : widths) {
    for (size_t type_rows : {0, 1, 2}) {
      Tables t(rng, h, type_rows);
      for (int trial = 0; trial < 8; ++trial) {
        SetScales(rng, trial, &t.p);
        const size_t tokens = 7;
        std::vector<int32_t> ids(tokens), pos(tokens), tt(tokens);
        for (size_t i = 0; i < tokens; ++i) {
          ids[i] = i < 2 ? static_cast<int32_t>(i) : rng.Uniform(0, 49);
          pos[i] = static_cast<int32_t>(i);
          tt[i] = type_rows > 0 ? rng.Uniform(0, static_cast<int32_t>(type_rows) - 1) : 0;
        }
        std::vector<int32_t> want(tokens * h), got(tokens * h, 0x55);
        ASSERT_TRUE(EmbeddingGatherSum(ids.data(), pos.data(), tt.data(), tokens, want.data(), t.p,
                                       &kEmbeddingKernels[kEmbeddingKernelCount - 1]).ok());
        ASSERT_TRUE(EmbeddingGatherSum(ids.data(), pos.data(), tt.data(), tokens, got.data(), t.p,
                                       &k).ok());
        ASSERT_EQ(got, want) << "hidden=" << h << " type_rows=" << type_rows << " trial=" << trial;
      }
    }
  }
}

// sum_rows_s32 (NF4 word rows gathered to int32): the same rule on int32 word values, the model's
// |.| < 2^22 and the int32 extremes (saturating terms), into a separate dst and in place.
TEST_P(EmbeddingVariant, S32WordRowBitExactWithRef) {
  const EmbeddingKernel& k = *GetParam();
  const EmbeddingKernel& ref = kEmbeddingKernels[kEmbeddingKernelCount - 1];
  test::Rng rng(43);
  INTFORMER_SEED_TRACE(rng);
  for (size_t h : {1, 7, 15, 16, 17, 33, 64, 312, 768, 1023}) {
    for (size_t type_rows : {0, 1}) {
      Tables t(rng, h, type_rows);
      for (int trial = 0; trial < 8; ++trial) {
        SetScales(rng, trial, &t.p);
        std::vector<int32_t> word = rng.Vector<int32_t>(h, -(1 << 22) + 1, (1 << 22) - 1);
        if (trial == 7) {
          for (size_t i = 0; i < h; ++i) word[i] = i % 2 == 0 ? INT32_MIN : INT32_MAX;
        }
        const int8_t* type = type_rows > 0 ? t.type.data() : nullptr;
        std::vector<int32_t> want(h), got(h, 0x55), in_place = word;
        ref.sum_rows_s32(word.data(), t.pos.data(), type, want.data(), h, t.p);
        k.sum_rows_s32(word.data(), t.pos.data(), type, got.data(), h, t.p);
        k.sum_rows_s32(in_place.data(), t.pos.data(), type, in_place.data(), h, t.p);
        ASSERT_EQ(got, want) << "hidden=" << h << " type_rows=" << type_rows << " trial=" << trial;
        ASSERT_EQ(in_place, want) << "in place, hidden=" << h << " trial=" << trial;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, EmbeddingVariant,
                         ::testing::ValuesIn(test::AllKernels(kEmbeddingKernels,
                                                              kEmbeddingKernelCount)),
                         test::KernelName<EmbeddingKernel>);

TEST(Embedding, BadIdsAreRejectedBeforeAnyRead) {
  test::Rng rng(42);
  Tables t(rng, 16, 2);
  std::vector<int32_t> ids = {1, 2, 3, 4}, pos = {0, 1, 2, 3}, tt = {0, 1, 0, 1};
  std::vector<int32_t> dst(4 * 16, 77);
  struct Bad {
    std::vector<int32_t>* v;
    size_t at;
    int32_t id;
    EmbeddingStatus want;
  } bads[] = {{&ids, 2, -1, EmbeddingStatus::kBadWordId},
              {&ids, 3, 50, EmbeddingStatus::kBadWordId},
              {&ids, 0, INT32_MIN, EmbeddingStatus::kBadWordId},
              {&pos, 1, 20, EmbeddingStatus::kBadPosId},
              {&pos, 3, INT32_MAX, EmbeddingStatus::kBadPosId},
              {&tt, 2, 2, EmbeddingStatus::kBadTypeId},
              {&tt, 0, -5, EmbeddingStatus::kBadTypeId}};
  for (const Bad& b : bads) {
    const int32_t keep = (*b.v)[b.at];
    (*b.v)[b.at] = b.id;
    const EmbeddingResult r = EmbeddingGatherSum(ids.data(), pos.data(), tt.data(), 4, dst.data(), t.p);
    EXPECT_EQ(r.status, b.want);
    EXPECT_EQ(r.token, b.at);
    EXPECT_TRUE(std::all_of(dst.begin(), dst.end(), [](int32_t v) { return v == 77; }));
    (*b.v)[b.at] = keep;
  }
  // Without a type table the type ids are never read; with a 1-row table they may be omitted.
  t.p.type.data = nullptr;
  tt[0] = 99;
  EXPECT_TRUE(EmbeddingGatherSum(ids.data(), pos.data(), tt.data(), 4, dst.data(), t.p).ok());
  t.p.type = {t.type.data(), 1, kDyadicOne};
  EXPECT_TRUE(EmbeddingGatherSum(ids.data(), pos.data(), nullptr, 4, dst.data(), t.p).ok());
  EXPECT_EQ(EmbeddingGatherSum(nullptr, pos.data(), nullptr, 4, dst.data(), t.p).status,
            EmbeddingStatus::kBadParams);
  EmbeddingParams empty;
  EXPECT_EQ(EmbeddingGatherSum(ids.data(), pos.data(), nullptr, 4, dst.data(), empty).status,
            EmbeddingStatus::kBadParams);
}

// The integer sum at S_c against word*s_w + pos*s_p + type*s_t in double: each non-finest term is
// rounded once (<= 1/2 unit of S_c) and carries its dyadic's 2^-31 relative error.
TEST(Embedding, AgainstDouble) {
  test::Rng rng(43);
  INTFORMER_SEED_TRACE(rng);
  const double scales[][3] = {{0.01, 0.004, 0.02}, {0.0123, 0.0077, 0.0}, {0.05, 0.05, 0.05}};
  for (const auto& s : scales) {
    const size_t h = 768;
    Tables t(rng, h, s[2] > 0 ? 2 : 0);
    std::string why;
    const double sc = offline::EmbeddingScales(s[0], s[1], s[2], &t.p, &why);
    ASSERT_GT(sc, 0) << why;
    std::vector<int32_t> ids = {0, 1, 7, 49}, pos = {0, 1, 2, 19}, tt = {0, 1, 1, 0};
    std::vector<int32_t> dst(4 * h);
    ASSERT_TRUE(EmbeddingGatherSum(ids.data(), pos.data(), tt.data(), 4, dst.data(), t.p).ok());
    double max_err = 0;
    for (size_t i = 0; i < 4; ++i) {
      for (size_t j = 0; j < h; ++j) {
        double want = t.word[ids[i] * h + j] * s[0] + t.pos[pos[i] * h + j] * s[1];
        if (s[2] > 0) want += t.type[tt[i] * h + j] * s[2];
        max_err = std::max(max_err, std::fabs(dst[i * h + j] - want / sc));
      }
    }
    std::printf("embedding vs double: scales %g %g %g, S_c=%g  max|err|=%.4g units of S_c (bound 1.0)\n",
                s[0], s[1], s[2], sc, max_err);
    EXPECT_LE(max_err, 1.0 + 1e-6);  // at most two rounded terms
  }
  EmbeddingParams p;
  EXPECT_EQ(offline::EmbeddingScales(1.0, 1e-9, 0, &p), 0.0);  // ratio 1e9 > 2^22
}

}  // namespace
}  // namespace intformer
