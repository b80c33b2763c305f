// `intformer classify`: labels for texts or sentence pairs, from arguments or a TSV file.
//
//   intformer classify --model sst2.ifm "a gripping film" "a tedious mess"
//   intformer classify --model sst2.ifm --tsv dev.tsv --json           (header names the text)
//   intformer classify --model mrpc_hf_dir --tsv dev.tsv --text-col 3 --text-col 4 --json
//
// A converted file runs the integer pipeline; a Hugging Face directory runs the FP32
// reference (tools/cli/classifier.h). Human output: label name, confidence (softmax of the
// real logits, computed here in float: presentation only) and latency per row (tokenization
// included). --json: one object per row, {"row": i, "label": k, "logits": [...]}, flushed line
// by line so a caller can follow progress; the summary goes to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/cli/classifier.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"

namespace intformer {
namespace cli {
namespace {

struct ClassifyArgs {
  std::string model;
  TextSource source;
  bool json = false;
  ClassifierOptions options;
  bool quiet = false;
};

std::string Shorten(const TextRow& row) {
  std::string s = row.has_b ? row.a + " | " + row.b : row.a;
  if (s.size() > 100) s = s.substr(0, 97) + "...";
  return s;
}

int RunClassify(const ClassifyArgs& args) {
  std::vector<TextRow> rows;
  std::string error;
  if (!args.source.Read(&rows, &error)) return Fail("classify", error);
  if (args.options.max_seq < 3) return Fail("classify", "--max-seq must be at least 3");

  intformer_status status = INTFORMER_OK;
  std::unique_ptr<Classifier> classifier =
      OpenClassifier(args.model, args.options, &status, &error);
  if (classifier == nullptr) {
    if (status != INTFORMER_OK) return FailStatus("classify", status, error);
    return Fail("classify", error, kExitStatus);
  }
  if (!args.quiet) std::fprintf(stderr, "model: %s\n", classifier->Describe().c_str());
  const std::vector<std::string>& labels = classifier->labels();

  std::vector<double> latencies_ms;
  latencies_ms.reserve(rows.size());
  Prediction p;
  std::string line;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    if (!classifier->Classify(rows[i], &p, &error)) {
      std::fflush(stdout);
      return Fail("classify", "row " + std::to_string(i) + ": " + error, kExitStatus);
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
    latencies_ms.push_back(ms);
    line.clear();
    if (args.json) {
      line = "{\"row\": " + std::to_string(i) + ", \"label\": " + std::to_string(p.label) +
             ", \"logits\": [";
      for (size_t k = 0; k < p.logits.size(); ++k) {
        if (k > 0) line += ", ";
        AppendJsonFloat(&line, p.logits[k]);
      }
      line += "]}\n";
    } else {
      const std::string name = p.label < labels.size() ? labels[p.label] : std::to_string(p.label);
      char buf[96];
      if (p.logits.size() == 1) {  // regression: the score itself
        std::snprintf(buf, sizeof(buf), "score %-9.4f %8.2f ms  ", p.logits[0], ms);
      } else {
        std::snprintf(buf, sizeof(buf), "%-10s %6.1f%% %8.2f ms  ", name.c_str(),
                      100.0 * Softmax(p.logits)[p.label], ms);
      }
      line = buf + Shorten(rows[i]) + "\n";
    }
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  }
  if (!args.quiet && !latencies_ms.empty()) {
    std::vector<double> sorted = latencies_ms;
    std::sort(sorted.begin(), sorted.end());
    double total = 0;
    for (double v : sorted) total += v;
    std::fprintf(stderr, "%zu row(s): mean %.2f ms, median %.2f ms, max %.2f ms per row\n",
                 sorted.size(), total / sorted.size(), sorted[sorted.size() / 2], sorted.back());
  }
  return 0;
}

}  // namespace

void RegisterClassify(CLI::App& app) {
  auto args = std::make_shared<ClassifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "classify", "Classify texts or sentence pairs with a converted model (integer pipeline) "
                  "or a Hugging Face directory (FP32 reference)");
  cmd->add_option("-m,--model", args->model, "Model file (.ifm) or Hugging Face directory")
      ->required();
  args->source.AddOptions(cmd);
  cmd->add_flag("--json", args->json,
                "One JSON object per row: {\"row\": i, \"label\": k, \"logits\": [...]}");
  cmd->add_option("--max-seq", args->options.max_seq,
                  "Tokens per row including special tokens; longer rows are truncated")
      ->capture_default_str();
  cmd->add_option("--threads", args->options.threads, "Worker threads (integer pipeline)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-q,--quiet", args->quiet, "No model description or summary on stderr");
  cmd->callback([args]() {
    const int rc = RunClassify(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace cli
}  // namespace intformer
