// `intformer convert`: a Hugging Face BERT/RoBERTa classifier -> an intformer model file.
//
//   intformer convert models/bundled/sst2-bert-tiny -o sst2.ifm
//   intformer convert ckpt/ -o m.ifm --calib train.tsv --calib-col sentence1 --calib-col sentence2
//
// The flags map one to one onto ConvertOptions (tools/convert/convert.h). When --calib is not
// given and the checkpoint directory holds a calib.tsv (as the bundled model does), that file
// is used. Calibration runs the FP32 reference over every calibration row, which is the slow
// part: its progress is drawn on stderr (in place on a terminal, every 10% otherwise).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "models/format.h"
#include "models/format_reader.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"
#include "tools/convert/convert.h"

namespace intformer {
namespace cli {
namespace {

struct ConvertArgs {
  ConvertOptions options;
  std::vector<std::string> calib_cols;
  bool quiet = false;
};

// Draws "calibrate [##########..........]  128/256" on stderr.
class ProgressBar {
 public:
  explicit ProgressBar(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() { Finish(); }

  void Update(const char* stage, size_t done, size_t total) {
    if (quiet_) return;
    if (stage_ != stage) {
      Finish();
      stage_ = stage;
      last_decile_ = -1;
    }
    open_ = true;
    const int decile = total > 0 ? static_cast<int>(10 * done / total) : 10;
    // Off a terminal: one line per 10 %, and only the last line of a short stage.
    if (!tty_ && (decile == last_decile_ || (total < 10 && done < total))) return;
    last_decile_ = decile;
    constexpr int kWidth = 30;
    const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "%s%-10s [%s] %zu/%zu%s", tty_ ? "\r" : "", stage_.c_str(), bar.c_str(),
                 done, total, tty_ ? "" : "\n");
    std::fflush(stderr);
  }

  void Finish() {
    if (open_ && tty_) std::fputc('\n', stderr);
    open_ = false;
  }

 private:
  bool quiet_, tty_;
  bool open_ = false;
  std::string stage_;
  int last_decile_ = -1;
};

bool FileExists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

int RunConvert(ConvertArgs& args) {
  ConvertOptions& o = args.options;
  if (!IsHfDirectory(o.checkpoint)) {
    return Fail("convert", o.checkpoint + ": not a Hugging Face directory (no config.json)");
  }
  if (o.calib_tsv.empty() && FileExists(o.checkpoint + "/calib.tsv")) {
    o.calib_tsv = o.checkpoint + "/calib.tsv";
  }
  if (o.calib_tsv.empty()) {
    return Fail("convert", "no calibration text: give --calib FILE.tsv (a TSV with a header)");
  }
  if (!args.calib_cols.empty()) o.calib_cols = args.calib_cols;

  ProgressBar bar(args.quiet);
  const auto start = std::chrono::steady_clock::now();
  Status s = Convert(o, [&bar](const char* stage, size_t done, size_t total) {
    bar.Update(stage, done, total);
  });
  bar.Finish();
  if (!s.ok()) return FailStatus("convert", s.code(), s.message());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.quiet) {
    // Read back what was written: the resolved target (for --target auto) and the size.
    ReaderOptions read;
    read.verify_blobs = false;
    std::unique_ptr<ModelFile> file;
    const char* pack = nullptr;
    size_t bytes = 0;
    if (ModelFile::OpenPath(o.out, read, &file).ok()) {
      pack = format::PackFormatName(file->target_pack_format());
      bytes = file->size();
    }
    std::fprintf(stderr, "wrote %s: %s weights packed for %s, %.2f MiB, in %.1f s\n",
                 o.out.c_str(), o.weights.c_str(), pack != nullptr ? pack : o.target.c_str(),
                 bytes / 1048576.0, seconds);
  }
  return 0;
}

}  // namespace

void RegisterConvert(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  ConvertOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert a Hugging Face BERT/RoBERTa classifier into an integer model file");
  cmd->add_option("checkpoint", o.checkpoint,
                  "Hugging Face directory: config.json, weights (safetensors / .bin), vocabulary")
      ->required();
  cmd->add_option("-o,--out", o.out, "Model file to write (atomically)")->required();
  cmd->add_option("--weights", o.weights, "Weight format")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "nf4"}));
  cmd->add_option("--nf4", o.nf4_groups,
                  "Tensor groups stored as QLoRA NF4 (4-bit NormalFloat, double-quantized block "
                  "constants; the rest INT8): embeddings, attention, ffn, head, comma-separated. "
                  "--weights nf4 alone means all four")
      ->delimiter(',')
      ->check(CLI::IsMember({"embeddings", "attention", "ffn", "head"}));
  cmd->add_option("--calib", o.calib_tsv,
                  "Calibration TSV with a header (default: <checkpoint>/calib.tsv if present)");
  cmd->add_option("--calib-col", args->calib_cols,
                  "Calibration text column (header name); twice for sentence pairs "
                  "(default: sentence)");
  cmd->add_option("--calib-rows", o.calib_rows, "Calibration rows used")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--calib-method", o.calib_method, "Activation range estimator")
      ->capture_default_str()
      ->check(CLI::IsMember({"minmax", "percentile"}));
  cmd->add_option("--percentile", o.calib_percentile, "Percentile for --calib-method percentile")
      ->capture_default_str()
      ->check(CLI::Range(50.0, 100.0));
  cmd->add_option("--target", o.target, "GEMM kernel family the weights are packed for")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "ref", "avx2", "avx512vnni", "neon", "neondot", "i8mm"}));
  cmd->add_option("--max-seq", o.max_seq, "Longest sequence used in calibration")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No progress or summary on stderr");
  cmd->callback([args]() {
    const int rc = RunConvert(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace cli
}  // namespace intformer
