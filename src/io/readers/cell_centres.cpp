#include "stx/io/readers/cell_centres.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace {

int64_t find_column(const std::vector<std::string_view>& header, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return it - header.begin();
  }
  return -1;
}

}  // namespace

CellCentres read_cell_centres(const std::string& path, double um_per_px) {
  TextLines lines(path);
  std::string header_line;
  STX_CHECK(lines.next(header_line), FormatError, "{}: empty; expected a header naming x, y (px) or x_um, y_um", path);
  const char delimiter = header_line.find('\t') != std::string::npos ? '\t' : ',';
  const std::vector<std::string> header_copy = [&] {
    std::vector<std::string> out;
    for (auto f : split_fields(header_line, delimiter)) out.emplace_back(f);
    return out;
  }();
  const std::vector<std::string_view> header(header_copy.begin(), header_copy.end());
  int64_t x = find_column(header, {"x", "x_px"}), y = find_column(header, {"y", "y_px"});
  double scale = 1.0;  // pixels per table unit
  if (x < 0 || y < 0) {
    x = find_column(header, {"x_um", "x_centroid"});
    y = find_column(header, {"y_um", "y_centroid"});
    scale = 1.0 / um_per_px;
  }
  STX_CHECK(x >= 0 && y >= 0, FormatError,
            "{}: header '{}': expected columns x, y (pixels) or x_um, y_um / x_centroid, y_centroid (µm)", path,
            header_line);
  const int64_t id = find_column(header, {"cell_id", "id"});
  CellCentres cells;
  std::unordered_set<std::string> seen;
  std::string line;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, delimiter);
    STX_CHECK(f.size() == header.size(), FormatError, "{}: line {}: {} fields, the header has {}", path,
              lines.line_number(), f.size(), header.size());
    const double px = parse_double(f[static_cast<size_t>(x)], lines, header[static_cast<size_t>(x)]) * scale;
    const double py = parse_double(f[static_cast<size_t>(y)], lines, header[static_cast<size_t>(y)]) * scale;
    STX_CHECK(std::isfinite(px) && std::isfinite(py), FormatError, "{}: line {}: a centre at ({}, {})", path,
              lines.line_number(), px, py);
    std::string name = id >= 0 ? std::string(f[static_cast<size_t>(id)]) : "cell_" + std::to_string(cells.ids.size());
    STX_CHECK(seen.insert(name).second, FormatError, "{}: line {}: cell id '{}' appears twice", path,
              lines.line_number(), name);
    cells.ids.push_back(std::move(name));
    cells.x_px.push_back(px);
    cells.y_px.push_back(py);
  }
  STX_CHECK(!cells.ids.empty(), FormatError, "{}: no cells after the header", path);
  return cells;
}

}  // namespace stx
