#include "tools/cli/cli_common.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "tools/cli/tsv.h"

namespace intformer {
namespace cli {

const char* StatusName(intformer_status status) {
  switch (status) {
    case INTFORMER_OK: return "INTFORMER_OK";
    case INTFORMER_ERROR_INVALID_ARGUMENT: return "INTFORMER_ERROR_INVALID_ARGUMENT";
    case INTFORMER_ERROR_INTERNAL: return "INTFORMER_ERROR_INTERNAL";
    case INTFORMER_ERROR_IO: return "INTFORMER_ERROR_IO";
    case INTFORMER_ERROR_OUT_OF_MEMORY: return "INTFORMER_ERROR_OUT_OF_MEMORY";
    case INTFORMER_ERROR_BAD_MAGIC: return "INTFORMER_ERROR_BAD_MAGIC";
    case INTFORMER_ERROR_UNSUPPORTED_VERSION: return "INTFORMER_ERROR_UNSUPPORTED_VERSION";
    case INTFORMER_ERROR_CHECKSUM_MISMATCH: return "INTFORMER_ERROR_CHECKSUM_MISMATCH";
    case INTFORMER_ERROR_TRUNCATED_FILE: return "INTFORMER_ERROR_TRUNCATED_FILE";
    case INTFORMER_ERROR_CORRUPT_FILE: return "INTFORMER_ERROR_CORRUPT_FILE";
    case INTFORMER_ERROR_TARGET_MISMATCH: return "INTFORMER_ERROR_TARGET_MISMATCH";
    case INTFORMER_ERROR_UNSUPPORTED_MODEL: return "INTFORMER_ERROR_UNSUPPORTED_MODEL";
    case INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE: return "INTFORMER_ERROR_TOKEN_ID_OUT_OF_RANGE";
    case INTFORMER_ERROR_INPUT_TOO_LONG: return "INTFORMER_ERROR_INPUT_TOO_LONG";
    case INTFORMER_ERROR_TOKENIZER: return "INTFORMER_ERROR_TOKENIZER";
  }
  return "INTFORMER_ERROR_UNKNOWN";
}

int FailStatus(const char* command, intformer_status status, const std::string& message) {
  std::fprintf(stderr, "intformer %s: error: %s (%s): %s\n", command, StatusName(status),
               intformer_status_string(status), message.c_str());
  return kExitStatus;
}

int Fail(const char* command, const std::string& message, int exit_code) {
  std::fprintf(stderr, "intformer %s: error: %s\n", command, message.c_str());
  return exit_code;
}

bool IsHfDirectory(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return stat((path + "/config.json").c_str(), &st) == 0;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonFloat(std::string* out, float v) {
  if (!std::isfinite(v)) {  // JSON has no NaN/Inf
    *out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
  *out += buf;
}

std::vector<float> Softmax(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  if (logits.empty()) return p;
  const float m = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += std::exp(static_cast<double>(logits[i] - m));
  for (size_t i = 0; i < logits.size(); ++i) {
    p[i] = static_cast<float>(std::exp(static_cast<double>(logits[i] - m)) / sum);
  }
  return p;
}

void TextSource::AddOptions(CLI::App* cmd) {
  cmd->add_option("text", texts, "Texts to process (with --pair: A1 B1 A2 B2 ...)");
  cmd->add_flag("--pair", pair, "Consecutive TEXT arguments form sentence pairs");
  cmd->add_option("--tsv", tsv, "Read rows from a TSV file ('-' = stdin) instead of arguments");
  cmd->add_option("--text-col", text_cols,
                  "Text column of --tsv: a header name or a 0-based index; twice for pairs "
                  "(default: sentence, sentence1/sentence2, question/sentence, ... from the "
                  "header)");
  cmd->add_flag("--no-header", no_header, "The TSV's first line is data, not a header");
  cmd->add_flag("--skip-header", skip_header,
                "The TSV's first line is a header (the default; for explicit callers)");
}

bool TextSource::Read(std::vector<TextRow>* rows, std::string* error) const {
  rows->clear();
  if (!tsv.empty()) {
    if (!texts.empty()) {
      *error = "give either TEXT arguments or --tsv, not both";
      return false;
    }
    if (no_header && skip_header) {
      *error = "--no-header and --skip-header contradict each other";
      return false;
    }
    TsvTable table;
    std::vector<size_t> cols;
    if (!ReadTsv(tsv, !no_header, &table, error)) return false;
    if (!SelectTextColumns(table, text_cols, &cols, error)) {
      *error = tsv + ": " + *error;
      return false;
    }
    rows->reserve(table.rows.size());
    for (const auto& fields : table.rows) {
      TextRow row;
      row.a = fields[cols[0]];
      if (cols.size() == 2) {
        row.b = fields[cols[1]];
        row.has_b = true;
      }
      rows->push_back(std::move(row));
    }
    return true;
  }
  if (!text_cols.empty() || no_header) {
    *error = "--text-col and --no-header apply to --tsv only";
    return false;
  }
  if (texts.empty()) {
    *error = "nothing to do: give TEXT arguments or --tsv FILE";
    return false;
  }
  if (pair && texts.size() % 2 != 0) {
    *error = "--pair needs an even number of TEXT arguments (A1 B1 A2 B2 ...)";
    return false;
  }
  for (size_t i = 0; i < texts.size(); i += pair ? 2 : 1) {
    TextRow row;
    row.a = texts[i];
    if (pair) {
      row.b = texts[i + 1];
      row.has_b = true;
    }
    rows->push_back(std::move(row));
  }
  return true;
}

}  // namespace cli
}  // namespace intformer
