#include "tools/cli/tsv.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace intformer {
namespace cli {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    if (tab == std::string::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

bool ParseIndex(const std::string& s, size_t* out) {
  if (s.empty() || s.size() > 6) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  *out = v;
  return true;
}

int FindColumn(const std::vector<std::string>& header, const char* name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

bool ReadTsv(const std::string& path, bool has_header, TsvTable* out, std::string* error) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *error = path + ": cannot open (" + std::strerror(errno) + ")";
      return false;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
      *error = path + ": read failed";
      return false;
    }
  }
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  *out = TsvTable();
  std::istringstream lines(text);
  std::string line;
  size_t number = 0;
  bool header_pending = has_header;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header_pending) {
      out->header = SplitTabs(line);
      header_pending = false;
      continue;
    }
    out->rows.push_back(SplitTabs(line));
    out->line_numbers.push_back(number);
  }
  return true;
}

bool SelectTextColumns(const TsvTable& table, const std::vector<std::string>& specs,
                       std::vector<size_t>* columns, std::string* error) {
  columns->clear();
  if (specs.size() > 2) {
    *error = "--text-col given " + std::to_string(specs.size()) + " times; 1 (single) or 2 (pair)";
    return false;
  }
  for (const std::string& spec : specs) {
    const int named = FindColumn(table.header, spec.c_str());
    size_t index = 0;
    if (named >= 0) {
      columns->push_back(static_cast<size_t>(named));
    } else if (ParseIndex(spec, &index)) {
      columns->push_back(index);
    } else {
      *error = "--text-col '" + spec + "' is neither a header name nor a 0-based index";
      if (table.header.empty()) *error += " (the file is read without a header)";
      return false;
    }
  }
  if (specs.empty()) {
    static const char* const kLayouts[][2] = {
        {"sentence1", "sentence2"}, {"question", "sentence"}, {"#1 String", "#2 String"},
        {"question1", "question2"}, {"premise", "hypothesis"}, {"sentence", nullptr}};
    if (table.header.empty()) {
      columns->push_back(0);
    } else {
      for (const auto& layout : kLayouts) {
        const int a = FindColumn(table.header, layout[0]);
        const int b = layout[1] != nullptr ? FindColumn(table.header, layout[1]) : -1;
        if (a >= 0 && (layout[1] == nullptr || b >= 0)) {
          columns->push_back(static_cast<size_t>(a));
          if (b >= 0) columns->push_back(static_cast<size_t>(b));
          break;
        }
      }
      if (columns->empty()) {
        *error = "no known text column in the header; name it with --text-col";
        return false;
      }
    }
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t c : *columns) {
      if (c >= table.rows[r].size()) {
        *error = "line " + std::to_string(table.line_numbers[r]) + " has " +
                 std::to_string(table.rows[r].size()) + " fields; text column " +
                 std::to_string(c) + " is missing";
        return false;
      }
    }
  }
  return true;
}

}  // namespace cli
}  // namespace intformer
