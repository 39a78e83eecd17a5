// Choosing rows of a row-major per-spot array: what selecting spots does to each aligned slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace stx {

/// Rows `rows` (in that order) of `values`, a row-major array of `width` values a row; an empty
/// array stays empty.
template <typename T>
std::vector<T> rows_of(const std::vector<T>& values, const std::vector<int64_t>& rows, size_t width = 1) {
  if (values.empty()) return {};
  std::vector<T> out;
  out.reserve(rows.size() * width);
  for (int64_t r : rows) {
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(r) * width);
    out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(width));
  }
  return out;
}

}  // namespace stx
