#include "stx/core/table_numbers.hpp"

#include <cmath>

#include <fmt/format.h>

namespace stx {

std::string three_decimals(double value, const std::string& undefined) {
  if (!std::isfinite(value)) return undefined;
  std::string s = fmt::format("{:.3f}", value);
  if (s == "-0.000") s.erase(0, 1);
  return s;
}

std::string three_significant(double value, const std::string& undefined) {
  if (!std::isfinite(value)) return undefined;
  return fmt::format("{:#.3g}", value);
}

}  // namespace stx
