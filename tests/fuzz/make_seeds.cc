// Writes the seed corpora of tests/fuzz/ (run once by hand; the seeds are checked in):
//   fuzz_make_seeds <source dir> <fixtures dir>
// Every seed is small and real: a tiny BERT converted by our own converter (so the loader fuzzer
// starts from a schema-valid file), files the format writer makes, the tiny checkpoint as
// safetensors and as a torch zip, the data.pkl torch itself wrote for the fixture checkpoint,
// hostile pickles, GLUE sentences and pairs for the tokenizers, and id/text inputs for the C API.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "models/format_writer.h"
#include "tests/tools/bad_files.h"
#include "tests/tools/tiny_bert.h"
#include "tools/convert/checkpoint.h"
#include "tools/convert/convert.h"
#include "tools/convert/zip_reader.h"

namespace {

using intformer::test::Bytes;
std::string g_out;

void Write(const std::string& rel, const Bytes& b) {
  const std::string path = g_out + "/" + rel;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
  std::printf("%-48s %zu bytes\n", rel.c_str(), b.size());
}
void WriteText(const std::string& rel, const std::string& s) { Write(rel, Bytes(s.begin(), s.end())); }
Bytes ReadAll(const std::string& path) {
  Bytes b;
  if (!intformer::convert::ReadFileBytes(path, &b).ok()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <source dir> <fixtures dir>\n", argv[0]);
    return 2;
  }
  g_out = std::string(argv[1]) + "/tests/fuzz";
  const std::string fixtures = argv[2];
  for (const char* d : {"fuzz_model_file", "fuzz_checkpoint", "fuzz_pickle", "fuzz_tokenizer",
                        "fuzz_c_api"}) {
    mkdir((g_out + "/" + d).c_str(), 0755);
  }

  // Loader: a converted tiny BERT (schema-valid), the writer's empty file and one of each type.
  char tmpl[] = "/tmp/intformer_seeds_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::vector<intformer::test::TinyTensor> tiny = intformer::test::TinyBertTensors();
  intformer::test::WriteTinyBert(dir, tiny);
  const Bytes st = intformer::test::TinyBertSafetensors(tiny);
  intformer::ConvertOptions o;
  o.checkpoint = dir;
  o.calib_tsv = dir + "/calib.tsv";
  o.out = dir + "/tiny.ifm";
  o.target = "ref";
  o.max_seq = 16;
  const intformer::Status s = intformer::Convert(o, nullptr);
  if (!s.ok()) {
    std::fprintf(stderr, "convert: %s\n", s.ToString().c_str());
    return 1;
  }
  Write("fuzz_model_file/tiny_bert_ref.ifm", ReadAll(o.out));
  intformer::ModelWriter empty;
  Bytes b;
  (void)empty.Finish(&b);
  Write("fuzz_model_file/empty_model.ifm", b);
  intformer::ModelWriter w;
  (void)w.AddU32("u32", 7);
  (void)w.AddI64("i64", -7);
  (void)w.AddBool("bool", true);
  (void)w.AddString("str", "h\xc3\xa9llo");
  const int32_t arr[3] = {1, -2, 3};
  (void)w.AddI32Array("arr", arr, 3);
  (void)w.AddStringArray("labels", {"negative", "positive"});
  const int8_t t[6] = {1, 2, 3, 4, 5, 6};
  (void)w.AddTensor("t", intformer::format::DType::kS8, {2, 3}, 0, t, 6);
  (void)w.AddTensor("u", intformer::format::DType::kS32, {1}, 0, arr, 4);
  (void)w.Finish(&b);
  Write("fuzz_model_file/all_types.ifm", b);

  // Checkpoints: the tiny BERT as safetensors; the fixture's real header (its first 4 KiB);
  // a one-tensor torch zip.
  Write("fuzz_checkpoint/tiny_bert.safetensors", st);
  const Bytes fixture_st = ReadAll(fixtures + "/models/sst2-bert-tiny/model.safetensors");
  Write("fuzz_checkpoint/sst2_bert_tiny_head.safetensors",
        Bytes(fixture_st.begin(), fixture_st.begin() + 4096));
  const Bytes pkl = intformer::test::StateDictPickle("w", "FloatStorage", 6, 0, {2, 3}, {3, 1});
  Write("fuzz_checkpoint/one_tensor.bin",
        intformer::test::MakeTorchZip(pkl, intformer::test::FloatBytes({1, 2, 3, 4, 5, 6})));

  // Pickles: the one torch wrote for the fixture, the hand-made one, hostile ones.
  const Bytes bin = ReadAll(fixtures + "/models/sst2-bert-tiny/pytorch_model.bin");
  std::vector<intformer::convert::ZipEntry> entries;
  if (!intformer::convert::ReadStoredZip(bin, "bin", &entries).ok()) return 1;
  for (const auto& e : entries) {
    if (e.name.size() >= 8 && e.name.compare(e.name.size() - 8, 8, "data.pkl") == 0) {
      Write("fuzz_pickle/sst2_bert_tiny_data.pkl",
            Bytes(bin.begin() + e.data_begin, bin.begin() + e.data_begin + e.size));
    }
  }
  Write("fuzz_pickle/one_tensor.pkl", pkl);
  Write("fuzz_pickle/os_system.pkl", {0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm',
                                      '\n', 'X', 2, 0, 0, 0, 'l', 's', 0x85, 'R', '.'});

  // Tokenizers: flags, max_length, split, text (see fuzz_tokenizer.cc).
  auto tok = [](uint8_t flags, uint8_t max_len, uint8_t split, const std::string& text) {
    std::string s = {static_cast<char>(flags), static_cast<char>(max_len), static_cast<char>(split)};
    return s + text;
  };
  WriteText("fuzz_tokenizer/sst2_single", tok(0, 128, 0, "it 's a charming and often affecting journey . "));
  WriteText("fuzz_tokenizer/mrpc_pair", tok(2, 40, 128,
      "Amrozi accused his brother , whom he called \" the witness \" , of deliberately distorting "
      "his evidence .Referring to him as only \" the witness \" , Amrozi accused his brother ."));
  WriteText("fuzz_tokenizer/bpe_pair_pad", tok(1 | 2 | 8, 24, 100,
      "The café's naïve résumé — 東京 😀 <mask> [CLS]</s>hello  world"));
  WriteText("fuzz_tokenizer/invalid_utf8", tok(0, 16, 0, "ab\xff\xfe\xc3(\xe2\x82\xed\xa0\x80 \xf4\x90\x80\x80z"));
  WriteText("fuzz_tokenizer/bpe_invalid_utf8_nospecial", tok(1 | 16, 8, 0, "\xc0\xaf\x00x\xed\xbf\xbf"));
  WriteText("fuzz_tokenizer/long_word", tok(4, 0, 0, std::string(300, 'x') + " [SEP] " + std::string(50, '#')));

  // C API: batch, seq, flags, then 6 bytes per token (see fuzz_c_api.cc).
  auto ids_input = [](uint8_t batch, uint8_t flags, const std::vector<int>& ids) {
    std::string s = {static_cast<char>(batch), static_cast<char>(ids.size() / batch),
                     static_cast<char>(flags)};
    for (int id : ids) {
      const int draw = id + 1;
      s += std::string({static_cast<char>(draw & 255), static_cast<char>(draw >> 8), 0, 0, 0, 1});
    }
    return s;
  };
  WriteText("fuzz_c_api/one_row", ids_input(1, 0, {101, 1037, 12892, 2143, 102}));
  WriteText("fuzz_c_api/two_rows_no_types", ids_input(2, 2, {101, 2143, 102, 101, 1037, 102}));
  WriteText("fuzz_c_api/texts", std::string("\x03\x00\x18", 3) +
                                    std::string("a gripping film\0a dull mess\0\xff\xfe", 30));
  std::system(("rm -rf '" + dir + "'").c_str());
  return 0;
}
