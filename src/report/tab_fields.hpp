// What `stx report` reads back from a run folder: the TSVs as strings (each line's cells, and
// a whole table checked against the columns its writer declares, so that a damaged or foreign
// file is refused with one line instead of rendered), and the figures' file names.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "stx/core/text_lines.hpp"

namespace stx {

inline std::vector<std::string> split_tabs(const std::string& line) {
  const auto fields = split_fields(line, '\t');
  return {fields.begin(), fields.end()};
}

/// The rows of a TSV whose header must be `columns`: every line UTF-8 and as many cells as
/// the header; a FormatError names the file and line otherwise.
std::vector<std::vector<std::string>> read_checked_tsv(const std::filesystem::path& path,
                                                       const std::vector<std::string>& columns);

/// The PNG files in `dir` whose names start with `prefix`, sorted; none when `dir` is missing.
std::vector<std::filesystem::path> pngs_in(const std::filesystem::path& dir, const std::string& prefix = "");

/// A cell read as a number ("NaN" included); a FormatError naming the file and column otherwise.
double number_cell(const std::string& cell, const std::filesystem::path& path, const std::string& column);

}  // namespace stx
