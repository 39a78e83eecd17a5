#include "stx/core/run_folder.hpp"

#include <fmt/format.h>

#include <cmath>

namespace stx {

std::string tsv_general(double value, int significant) {
  return std::isfinite(value) ? fmt::format("{:.{}g}", value, significant) : std::string(kTsvMissing);
}

std::string tsv_fixed(double value, int decimals) {
  return std::isfinite(value) ? fmt::format("{:.{}f}", value, decimals) : std::string(kTsvMissing);
}

}  // namespace stx
