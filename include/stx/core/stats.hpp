// Small statistics used across layers. NaN inputs are skipped pairwise; a constant input
// gives NaN (not 0), so callers must count such cases rather than average them away.
#pragma once

#include <vector>

namespace stx {

/// Pearson correlation over the pairs where both values are finite; NaN if fewer than 3
/// pairs or either side is constant.
double pearson(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace stx
