// Per-spot labels from an annotation table; see attach_labels() in read_slide.hpp.
#include <cmath>
#include <map>
#include <unordered_map>

#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {

void attach_labels(Slide& slide, const std::string& path) {
  TextLines lines(path);
  std::string line;
  STX_CHECK(lines.next(line), FormatError, "{}: empty label table", path);
  const char delimiter = line.find('\t') != std::string::npos ? '\t' : ',';
  const std::string header_line = line;
  const auto header = split_fields(header_line, delimiter);
  const auto x_column = find_column(header, "x");
  const auto y_column = find_column(header, "y");
  const bool by_position = x_column && y_column;
  const size_t label_column = by_position ? require_column(header, "label", lines) : 1;
  STX_CHECK(header.size() >= 2, FormatError,
            "{}: expected a spot-id column and a label column, found {} column(s)", path,
            header.size());
  STX_CHECK(!by_position || !slide.array_col.empty(), FormatError,
            "{}: labels are keyed by array position (x, y) but slide '{}' has none", path,
            slide.name);

  std::unordered_map<std::string, int64_t> spot_by_key;
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    const std::string key = by_position ? legacy_st_spot_id(slide.array_col[i], slide.array_row[i])
                                        : slide.spot_ids[i];
    spot_by_key.emplace(key, i);
  }
  slide.labels.assign(slide.spot_ids.size(), "");
  int64_t unmatched = 0, skipped = 0, labelled = 0;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, delimiter);
    STX_CHECK(f.size() == header.size(), FormatError, "{}: line {}: expected {} fields, found {}",
              path, lines.line_number(), header.size(), f.size());
    std::string key(f[0]);
    if (by_position) {
      if (f[*x_column] == "NA" || f[*y_column] == "NA") {
        ++skipped;
        continue;
      }
      key = legacy_st_spot_id(std::lround(parse_double(f[*x_column], lines, "x")),
                              std::lround(parse_double(f[*y_column], lines, "y")));
    }
    const auto spot = spot_by_key.find(key);
    if (spot == spot_by_key.end()) {
      ++unmatched;
      continue;
    }
    STX_CHECK(slide.labels[spot->second].empty(), FormatError,
              "{}: line {}: a second label for spot '{}'", path, lines.line_number(),
              slide.spot_ids[spot->second]);
    slide.labels[spot->second] = std::string(f[label_column]);
    ++labelled;
  }
  STX_CHECK(labelled > 0, FormatError, "{}: no row matches a spot of slide '{}'", path,
            slide.name);
  slide.notes.push_back(fmt::format("labels: {} of {} spots labelled from {}", labelled,
                                    slide.n_spots(), path));
  if (skipped > 0)
    slide.notes.push_back(fmt::format("labels: {} row(s) with NA coordinates skipped", skipped));
  if (unmatched > 0)
    slide.notes.push_back(fmt::format("labels: {} row(s) match no spot", unmatched));
}

}  // namespace stx
