#include "stx/io/slide/slide_groups.hpp"

#include <set>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {

std::vector<std::pair<std::string, std::string>> read_slide_groups(const std::string& path) {
  TextLines lines(path);
  std::string line;
  STX_CHECK(lines.next(line), FormatError, "{}: empty; expected a header with 'slide' and 'patient' columns", path);
  const auto header = split_fields(line, '\t');
  const size_t slide_col = require_column(header, "slide", lines);
  auto group_col = find_column(header, "patient");
  if (!group_col) group_col = find_column(header, "group");
  STX_CHECK(group_col.has_value(), FormatError, "{}: line 1: no 'patient' or 'group' column (columns: {})", path,
            line);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::set<std::string> seen;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto cells = split_fields(line, '\t');
    const auto cell = [&](size_t c) { return c < cells.size() ? std::string(cells[c]) : std::string(); };
    const std::string slide = cell(slide_col), group = cell(*group_col);
    STX_CHECK(!slide.empty() && !group.empty(), FormatError, "{}: line {}: expected a slide and a group, found '{}'",
              path, lines.line_number(), line);
    STX_CHECK(seen.insert(slide).second, FormatError, "{}: line {}: slide '{}' is listed twice", path,
              lines.line_number(), slide);
    pairs.emplace_back(slide, group);
  }
  STX_CHECK(!pairs.empty(), FormatError, "{}: no rows after the header", path);
  return pairs;
}

}  // namespace stx
