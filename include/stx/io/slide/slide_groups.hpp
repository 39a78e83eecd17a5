// A SLIDE -> GROUP table (which patient each slide comes from) for cross-validation by
// patient: tab-separated, a header naming a `slide` column and a `patient` or `group` column,
// then one row per slide. Other columns are ignored, so a cohort sample sheet reads as is.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace stx {

/// (slide, group) pairs in file order. FormatError names the file and line of a missing
/// column, an empty cell or a slide listed twice.
std::vector<std::pair<std::string, std::string>> read_slide_groups(const std::string& path);

}  // namespace stx
