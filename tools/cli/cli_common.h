// Helpers shared by the intformer subcommands: error reporting with status names and exit
// codes, JSON output, and the texts a command takes (arguments or a TSV file).
//
// Exit codes: 0 success; 1 the library refused (a status, printed by name); 2 the command
// line or an input file is wrong. CLI11's own parse errors keep CLI11's codes (non-zero).
#ifndef INTFORMER_TOOLS_CLI_CLI_COMMON_H_
#define INTFORMER_TOOLS_CLI_CLI_COMMON_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "intformer/intformer.h"

namespace CLI {
class App;
}

namespace intformer {
namespace cli {

constexpr int kExitStatus = 1;
constexpr int kExitUsage = 2;

// "INTFORMER_ERROR_BAD_MAGIC" etc.
const char* StatusName(intformer_status status);

// Prints "intformer <command>: error: <NAME> (<description>): <message>" to stderr; returns
// kExitStatus.
int FailStatus(const char* command, intformer_status status, const std::string& message);
// Prints "intformer <command>: error: <message>" to stderr; returns `exit_code`.
int Fail(const char* command, const std::string& message, int exit_code = kExitUsage);

// True when `path` is a directory holding config.json (a Hugging Face checkpoint).
bool IsHfDirectory(const std::string& path);

// JSON text helpers: a quoted, escaped string; a float that reads back to the same value.
void AppendJsonString(std::string* out, std::string_view s);
void AppendJsonFloat(std::string* out, float v);

// Softmax of `logits` (float; the CLI's presentation layer, never the integer core).
std::vector<float> Softmax(const std::vector<float>& logits);

// One input row: a text, or a pair.
struct TextRow {
  std::string a, b;
  bool has_b = false;
};

// The rows of a command: positional texts (consecutive ones paired with `pair`), or a TSV file
// read through tools/cli/tsv.h with the given column specs and header handling.
struct TextSource {
  std::vector<std::string> texts;
  bool pair = false;
  std::string tsv;
  std::vector<std::string> text_cols;
  bool no_header = false;
  bool skip_header = false;  // accepted for clarity: a header is the default

  // Adds --pair, --tsv, --text-col, --no-header, --skip-header and the TEXT positional.
  void AddOptions(CLI::App* cmd);
  // Fills `rows`; false with a message on a usage or file error.
  bool Read(std::vector<TextRow>* rows, std::string* error) const;
};

}  // namespace cli
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CLI_CLI_COMMON_H_
