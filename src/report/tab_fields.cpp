#include "tab_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "stx/core/error.hpp"
#include "stx/core/utf8.hpp"

namespace stx {

std::vector<std::vector<std::string>> read_checked_tsv(const std::filesystem::path& path,
                                                       const std::vector<std::string>& columns) {
  TextLines in(path.string());
  std::string line;
  const auto check_text = [&] {
    STX_CHECK(!first_invalid_utf8(line), FormatError, "{}: line {}: not UTF-8 text (is this the file stx wrote?)",
              path.string(), in.line_number());
  };
  STX_CHECK(in.next(line), FormatError, "{}: empty; expected the columns {}", path.string(), fmt::join(columns, ", "));
  check_text();
  STX_CHECK(split_tabs(line) == columns, FormatError, "{}: header must be the columns {}", path.string(),
            fmt::join(columns, ", "));
  std::vector<std::vector<std::string>> rows;
  while (in.next(line)) {
    if (line.empty()) continue;
    check_text();
    rows.push_back(split_tabs(line));
    STX_CHECK(rows.back().size() == columns.size(), FormatError, "{}: line {}: {} columns, expected {}",
              path.string(), in.line_number(), rows.back().size(), columns.size());
  }
  return rows;
}

std::vector<std::filesystem::path> pngs_in(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".png" && e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

double number_cell(const std::string& cell, const std::filesystem::path& path, const std::string& column) {
  char* end = nullptr;
  const double value = std::strtod(cell.c_str(), &end);
  STX_CHECK(!cell.empty() && end == cell.c_str() + cell.size(), FormatError,
            "{}: column {}: '{}' is not a number", path.string(), column, cell);
  return value;
}

}  // namespace stx
