// The converter on the real fixtures: options and data errors answer named statuses without
// writing anything, progress is reported per calibration sentence, the file carries the schema
// (models/bert/schema.h) for the chosen target, and the calibration statistics are right; NF4
// linears carry their bias and dyadics at gemm_nf4's per-channel scale.
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "models/bert/nf4_weights.h"
#include "models/bert/schema.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "tests/models/bert/bert_test_util.h"
#include "tests/ops/gemm_nf4/gemm_nf4_test_util.h"
#include "tests/tools/tiny_bert.h"
#include "tools/convert/calibration.h"
#include "tools/convert/quantize_nf4.h"

namespace intformer {
namespace {

bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

ConvertOptions BertOptions(const std::string& out_name) {
  ConvertOptions o;
  o.checkpoint = test::ModelDir("sst2-bert-tiny");
  o.out = test::TempDir() + "/" + out_name;
  o.calib_tsv = test::Sst2Train();
  return o;
}

TEST(ConvertTest, ProgressPerCalibrationSentenceAndSchemaInFile) {
  ConvertOptions o = BertOptions("progress.ifm");
  o.calib_rows = 32;
  size_t calib_calls = 0, last_done = 0, quantize_calls = 0, writes = 0;
  const Status s = Convert(o, [&](const char* stage, size_t done, size_t total) {
    const std::string st = stage;
    if (st == "calibrate") {
      ++calib_calls;
      EXPECT_EQ(total, 32u);
      EXPECT_EQ(done, last_done + 1);
      last_done = done;
    } else if (st == "quantize") {
      ++quantize_calls;
    } else if (st == "write") {
      ++writes;
    }
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(calib_calls, 32u);
  EXPECT_EQ(quantize_calls, 3u);  // two layers and the head
  EXPECT_EQ(writes, 2u);

  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenPath(o.out, ReaderOptions(), &f).ok());
  std::string_view v;
  ASSERT_TRUE(f->GetString(bert::kSchemaKey, &v).ok());
  EXPECT_EQ(v, bert::kSchemaValue);
  ASSERT_TRUE(f->GetString("quant.calibration", &v).ok());
  EXPECT_NE(v.find("32 rows"), std::string::npos) << v;
  ASSERT_TRUE(f->GetString("quant.scales", &v).ok());
  EXPECT_NE(v.find("layer.1:"), std::string::npos) << v;
  // auto = the first enabled kernel of the table whose layout can be stored (not oneDNN's).
  uint32_t best = 0;
  for (size_t i = 0; i < kGemmKernelCount && best == 0; ++i) {
    const GemmKernel& k = kGemmKernels[i];
    if (k.pack_format != kPackOneDnn && IsaEnabled(k.isa)) best = k.pack_format;
  }
  EXPECT_EQ(f->target_pack_format(), best);
  std::unique_ptr<Model> m;
  ASSERT_TRUE(Model::Load(std::move(f), &m).ok());
  EXPECT_EQ(m->info().architecture, "bert");
  EXPECT_EQ(m->info().labels, (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(m->max_seq(), 512u);
}

TEST(ConvertTest, RobertaMinmaxForRef) {
  ConvertOptions o;
  o.checkpoint = test::ModelDir("sst2-roberta-tiny");
  o.out = test::TempDir() + "/roberta_minmax.ifm";
  o.calib_tsv = test::Sst2Train();
  o.calib_rows = 16;
  o.calib_method = "minmax";
  o.target = "ref";
  const Status s = Convert(o, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<Model> m;
  ASSERT_TRUE(test::LoadModel(o.out, &m).ok());
  EXPECT_EQ(m->info().architecture, "roberta");
  EXPECT_EQ(m->info().pack_format, uint32_t{kPackRef});
  EXPECT_EQ(m->max_seq(), 512u);  // 514 positions - padding_idx 1 - 1
}

TEST(ConvertTest, BadOptionsAndDataAnswerNamedStatusAndWriteNothing) {
  struct Case {
    const char* what;
    void (*edit)(ConvertOptions*);
    intformer_status code;
  };
  const Case cases[] = {
      {"no calibration data", [](ConvertOptions* o) { o->calib_tsv.clear(); },
       INTFORMER_ERROR_INVALID_ARGUMENT},
      {"unknown weights", [](ConvertOptions* o) { o->weights = "int4"; },
       INTFORMER_ERROR_INVALID_ARGUMENT},
      {"unknown nf4 group", [](ConvertOptions* o) { o->nf4_groups = {"pooler"}; },
       INTFORMER_ERROR_INVALID_ARGUMENT},
      {"unknown method", [](ConvertOptions* o) { o->calib_method = "kl"; },
       INTFORMER_ERROR_INVALID_ARGUMENT},
      {"unknown target", [](ConvertOptions* o) { o->target = "sparc"; },
       INTFORMER_ERROR_TARGET_MISMATCH},
      {"missing column", [](ConvertOptions* o) { o->calib_cols = {"question"}; },
       INTFORMER_ERROR_INVALID_ARGUMENT},
      {"missing tsv", [](ConvertOptions* o) { o->calib_tsv = "/nonexistent/train.tsv"; },
       INTFORMER_ERROR_IO},
      {"missing checkpoint", [](ConvertOptions* o) { o->checkpoint = "/nonexistent/model"; },
       INTFORMER_ERROR_IO},
      {"not a model directory", [](ConvertOptions* o) { o->checkpoint = test::FixturePath("glue/SST-2"); },
       INTFORMER_ERROR_IO},
      {"unwritable output", [](ConvertOptions* o) { o->out = "/nonexistent/dir/m.ifm"; },
       INTFORMER_ERROR_IO},
  };
  for (const Case& c : cases) {
    ConvertOptions o = BertOptions(std::string("bad_") + std::to_string(&c - cases) + ".ifm");
    o.calib_rows = 4;
    c.edit(&o);
    const Status s = Convert(o, nullptr);
    EXPECT_EQ(s.code(), c.code) << c.what << ": " << s.ToString();
    EXPECT_FALSE(s.message().empty()) << c.what;
    EXPECT_FALSE(Exists(o.out)) << c.what;
  }
}

test::TinyTensor& f(std::vector<test::TinyTensor>* t, const char* name) {
  for (test::TinyTensor& x : *t) {
    if (x.name == name) return x;
  }
  ADD_FAILURE() << "no tensor " << name;
  return t->front();
}

// Bad checkpoints (the tiny BERT of tests/tools/tiny_bert.h, one defect each): a named status and
// a message naming the culprit, and the output path keeps what it held before (a previous model
// here), with no temporary file left beside it.
TEST(ConvertTest, BadCheckpointsAnswerNamedStatusAndLeaveTheOldOutput) {
  using test::TinyTensor;
  struct Case {
    const char* what;
    void (*edit)(std::vector<TinyTensor>*, std::string* config);
    intformer_status code;
    const char* in_message;
  };
  const Case cases[] = {
      {"valid", [](std::vector<TinyTensor>*, std::string*) {}, INTFORMER_OK, ""},
      {"missing tensor",
       [](std::vector<TinyTensor>* t, std::string*) {
         t->erase(t->begin() + (&f(t, "bert.encoder.layer.0.output.dense.weight") - t->data()));
       },
       INTFORMER_ERROR_UNSUPPORTED_MODEL, "output.dense.weight"},
      {"wrong shape",
       [](std::vector<TinyTensor>* t, std::string*) {
         TinyTensor& q = f(t, "bert.encoder.layer.0.attention.self.query.weight");
         q.shape = {8, 4};
         q.values.resize(32);
       },
       INTFORMER_ERROR_UNSUPPORTED_MODEL, "attention.self.query.weight"},
      {"NaN weight",
       [](std::vector<TinyTensor>* t, std::string*) {
         f(t, "classifier.weight").values[3] = std::nanf("");
       },
       INTFORMER_ERROR_INVALID_ARGUMENT, "classifier.weight"},
      {"Inf weight",
       [](std::vector<TinyTensor>* t, std::string*) {
         f(t, "bert.embeddings.position_embeddings.weight").values[0] = -INFINITY;
       },
       INTFORMER_ERROR_INVALID_ARGUMENT, "position_embeddings"},
      {"F64 dtype",
       [](std::vector<TinyTensor>* t, std::string*) {
         f(t, "bert.embeddings.word_embeddings.weight").dtype = "F64";
       },
       INTFORMER_ERROR_INVALID_ARGUMENT, "F64"},
      {"I64 dtype",
       [](std::vector<TinyTensor>* t, std::string*) { f(t, "classifier.bias").dtype = "I64"; },
       INTFORMER_ERROR_INVALID_ARGUMENT, "classifier.bias"},
      {"model_type gpt2",
       [](std::vector<TinyTensor>*, std::string* c) {
         c->replace(c->find("\"bert\""), 6, "\"gpt2\"");
       },
       INTFORMER_ERROR_UNSUPPORTED_MODEL, "gpt2"},
  };
  const std::string out = test::TempDir() + "/tiny_bad.ifm";
  const std::string before = "a previous model";
  for (const Case& c : cases) {
    const std::string dir = test::TempDir() + "/tiny_" + std::to_string(&c - cases);
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
    std::vector<TinyTensor> tensors = test::TinyBertTensors();
    std::string config = test::TinyBertConfig();
    c.edit(&tensors, &config);
    test::WriteTinyBert(dir, tensors, config);
    std::ofstream(out, std::ios::trunc) << before;
    ConvertOptions o;
    o.checkpoint = dir;
    o.calib_tsv = dir + "/calib.tsv";
    o.out = out;
    o.target = "ref";
    const Status s = Convert(o, nullptr);
    EXPECT_EQ(s.code(), c.code) << c.what << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.in_message), std::string::npos) << c.what << ": " << s.ToString();
    std::ifstream in(out, std::ios::binary);
    const std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (c.code == INTFORMER_OK) {
      EXPECT_NE(now, before) << c.what;
    } else {
      EXPECT_EQ(now, before) << c.what << ": the old output was touched";
    }
    EXPECT_FALSE(Exists(out + ".tmp." + std::to_string(getpid())))
        << c.what << ": a temporary file was left";
  }
}

// A pytorch_model.bin whose pickle asks for anything but tensors (here os.system) is refused
// before anything could run, with nothing written.
TEST(ConvertTest, UnsafePickleIsRefusedAndWritesNothing) {
  const std::string dir = test::TempDir() + "/tiny_pickle";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  test::WriteTinyBert(dir, test::TinyBertTensors());
  ASSERT_EQ(unlink((dir + "/model.safetensors").c_str()), 0);
  const test::Bytes evil = {0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm',
                            '\n', 'X', 2, 0, 0, 0, 'l', 's', 0x85, 'R', '.'};
  const test::Bytes zip = test::MakeTorchZip(evil, {});
  std::ofstream(dir + "/pytorch_model.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(zip.data()), zip.size());
  ConvertOptions o;
  o.checkpoint = dir;
  o.calib_tsv = dir + "/calib.tsv";
  o.out = test::TempDir() + "/tiny_pickle.ifm";
  const Status s = Convert(o, nullptr);
  EXPECT_EQ(s.code(), INTFORMER_ERROR_INVALID_ARGUMENT) << s.ToString();
  EXPECT_NE(s.message().find("os.system"), std::string::npos) << s.ToString();
  EXPECT_FALSE(Exists(o.out));
}

// AddNf4Linear against the linear it stands for, through the loader's binding: the bias and
// the per-channel dyadics are at s_in * S_w(n), S_w(n) = 2^25 U / (127 R(n)), so gemm_nf4's int32
// sum times channel n's dyadic is y / s_out within the rounding of W8 and of the bias on that
// channel's own grid. Rows spread over 2^-6 .. 1 (GaussianWeights), so a per-tensor scale would
// miss the small rows by far more than that.
TEST(ConvertNf4Test, LinearBiasAndScaleAreAtEachChannelsWeightScale) {
  test::Rng rng(23);
  INTFORMER_SEED_TRACE(rng);
  const size_t n = 40, k = 192, m = 6, kb = k / kNf4Block;
  const std::vector<float> w = test::GaussianWeights(rng, n, k);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::vector<float> b(n);
  for (float& x : b) x = normal(rng.engine());
  const double s_in = 0.03, s_out = 0.05;
  ModelWriter writer;
  ASSERT_TRUE(quant::AddNf4Linear("lin", w.data(), b.data(), n, k, s_in, {s_out}, &writer).ok());
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(writer.Finish(&bytes).ok());
  ReaderOptions ro;
  ro.copy_unaligned_buffer = true;
  std::unique_ptr<ModelFile> f;
  ASSERT_TRUE(ModelFile::OpenBuffer(bytes.data(), bytes.size(), ro, &f).ok());
  std::vector<int32_t> dq(256);
  for (size_t i = 0; i < 256; ++i) {
    dq[i] = static_cast<int32_t>(std::lround(std::ldexp(offline::DynamicMap()[i], 30)));
  }
  TensorView bias, scale;
  ASSERT_TRUE(f->GetTensor("lin.bias", &bias).ok());
  ASSERT_TRUE(f->GetTensor("lin.scale", &scale).ok());
  Nf4Matrix mat;
  std::vector<int32_t> recip;
  const Status bound = bert::BindNf4(*f, "lin", n, k, dq.data(),
                                     static_cast<const int32_t*>(bias.data), &recip, &mat);
  ASSERT_TRUE(bound.ok()) << bound.ToString();
  offline::Nf4Quantized q;  // the same deterministic quantization, for U
  std::string why;
  ASSERT_TRUE(offline::QuantizeNf4(w.data(), n, k, &q, &why)) << why;
  ASSERT_EQ(recip, q.recip);

  const std::vector<int8_t> a = rng.Vector<int8_t>(m * k, -127, 127);
  std::vector<int32_t> c(m * n);
  GemmEpilogue ep;  // kS32: the accumulator itself
  const Nf4GemmArgs args{m, a.data(), k, &mat, 0, n, &ep, c.data(), n};
  Nf4GemmRef(args);
  const int32_t* sc = static_cast<const int32_t*>(scale.data);
  double lo = HUGE_VAL, hi = 0;
  for (size_t j = 0; j < n; ++j) {
    const double dyadic = std::ldexp(double(sc[2 * j]), -sc[2 * j + 1]);
    lo = std::min(lo, dyadic);
    hi = std::max(hi, dyadic);
    const double s_w = std::ldexp(q.unit, 25) / (127.0 * recip[j]);
    for (size_t r = 0; r < m; ++r) {
      double want = b[j], abs_a = 0;
      for (size_t kk = 0; kk < k; ++kk) {
        // The weight the integers stand for: level / 127 * mult * U (gemm_nf4.h).
        const double wr = kNf4Levels[Nf4Code(mat.codes, k, j, kk)] / 127.0 *
                          double(Nf4BlockMult(mat, j * kb + kk / kNf4Block)) * q.unit;
        want += s_in * a[r * k + kk] * wr;
        abs_a += std::abs(a[r * k + kk]);
      }
      const double got = c[r * n + j] * dyadic * s_out;
      // |W8 - level mult R / 2^25| <= 1/2 + 127 / 2^14; the bias within 1/2 unit; the dyadic
      // within 2^-30 relative.
      const double tol = s_in * s_w * (0.51 * abs_a + 0.5) + 1e-7 * std::fabs(want);
      ASSERT_NEAR(got, want, tol) << "row " << r << " channel " << j;
    }
  }
  EXPECT_GT(hi / lo, 8.0) << "per-channel scales follow the rows' spread";
}

TEST(CalibrationTest, PercentileAndMaxOfKnownData) {
  quant::RangeStats r;
  for (int i = 1; i <= 100000; ++i) r.Add(static_cast<float>(i % 2 ? i : -i) * 1e-3f);
  EXPECT_DOUBLE_EQ(r.absmax(), static_cast<double>(100000 * 1e-3f));
  EXPECT_EQ(r.count(), 100000u);
  // The 99.99th percentile of |x| is 99.99; bins are 2^(1/32) wide (2.2 %).
  const double p = r.Percentile(99.99);
  std::printf("p99.99 = %.4f (exact 99.99)\n", p);
  EXPECT_GE(p, 99.99);
  EXPECT_LE(p, 99.99 * std::exp2(1.0 / quant::RangeStats::kBinsPerOctave));
  EXPECT_DOUBLE_EQ(r.Percentile(100), r.absmax());
  EXPECT_LE(r.Percentile(50), 50.0 * std::exp2(1.0 / 32) + 1e-9);
  EXPECT_GE(r.Percentile(50), 50.0);
}

TEST(CalibrationTest, TsvReaderPicksColumnsAndRows) {
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(quant::ReadCalibrationTsv(test::Sst2Train(), {"sentence"}, 3, &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].size(), 1u);
  EXPECT_FALSE(rows[0][0].empty());
  EXPECT_EQ(quant::ReadCalibrationTsv(test::Sst2Train(), {"a", "b", "c"}, 3, &rows).code(),
            INTFORMER_ERROR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace intformer
