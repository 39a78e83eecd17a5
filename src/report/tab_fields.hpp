// The cells of one line of the TSVs the report reads, as strings.
#pragma once

#include <string>
#include <vector>

#include "stx/core/text_lines.hpp"

namespace stx {

inline std::vector<std::string> split_tabs(const std::string& line) {
  const auto fields = split_fields(line, '\t');
  return {fields.begin(), fields.end()};
}

}  // namespace stx
