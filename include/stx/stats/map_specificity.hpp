// Map specificity: do the predicted maps of T targets differ from one another as much as the
// measured maps do, and does each prediction look most like its own measured map? A model
// that learned only cellularity draws one map T times: its maps correlate with each other far
// more than the measured ones (mean |r| between maps), and most predictions sit closer to some
// other target's measured map than to their own.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/stats/dense_matrix.hpp"

namespace stx {

struct MapSpecificity {
  // (T) mean |Pearson r| of target t's map with each other target's map, over the spots;
  // NaN for a constant map (pairs with a constant map are left out of the others' means)
  std::vector<double> predicted_between, measured_between;
  // (T) the measured map that prediction t correlates with most (signed r); -1 when undefined
  std::vector<int64_t> closest_measured;
  // (T, T) Pearson r between every two predicted maps and every two measured maps (NaN beside
  // a constant map): what the means above summarise, and what a figure draws
  DenseMatrix predicted_r, measured_r;
};

/// truth, prediction (N, T), the same spots and targets.
MapSpecificity map_specificity(const DenseMatrix& truth, const DenseMatrix& prediction);

/// How many targets t have closest_measured[t] == t, and how many have one at all.
struct OwnClosest {
  int64_t own = 0, defined = 0;
};
OwnClosest count_own_closest(const std::vector<int64_t>& closest_measured);

}  // namespace stx
