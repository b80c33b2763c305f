// The TSV reader behind `classify --tsv` and `tokenize --tsv`: GLUE-style files, one row per
// line, fields split on '\t', no quoting of any kind (GLUE text contains bare '"'), "\n" or
// "\r\n" line ends, an optional UTF-8 byte order mark (MRPC's dev.tsv starts with one), and by
// default a header line whose names --text-col may use. Blank lines are skipped; a row too short
// for a selected column is an error naming its line, never a silently shifted field.
#ifndef INTFORMER_TOOLS_CLI_TSV_H_
#define INTFORMER_TOOLS_CLI_TSV_H_

#include <cstddef>
#include <string>
#include <vector>

namespace intformer {
namespace cli {

struct TsvTable {
  std::vector<std::string> header;             // empty when the file has none
  std::vector<std::vector<std::string>> rows;  // data rows, fields split on '\t'
  std::vector<size_t> line_numbers;            // 1-based line of each row, for messages
};

// Reads `path` ("-" = stdin). has_header: the first non-blank line names the columns.
bool ReadTsv(const std::string& path, bool has_header, TsvTable* out, std::string* error);

// Resolves --text-col values: a header name, else a 0-based column index (as Hugging Face's
// GLUE processors count: MRPC text_a = 3, text_b = 4). With no values, a GLUE layout is
// recognised from the header (sentence; sentence1/sentence2; question/sentence; #1 String/
// #2 String; question1/question2; premise/hypothesis), or column 0 is used for a file without
// a header. One column = single texts, two = sentence pairs. Checks every row is wide enough.
bool SelectTextColumns(const TsvTable& table, const std::vector<std::string>& specs,
                       std::vector<size_t>* columns, std::string* error);

}  // namespace cli
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CLI_TSV_H_
