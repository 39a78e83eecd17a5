// Per-target evaluation of predictions against measured truth: Pearson r over held-out spots,
// MSE, and the partial correlation given a covariate (log library size), so that a model that
// only learned sequencing depth (cellularity) is not mistaken for one that learned biology.
// Undefined correlations (constant truth or prediction) stay NaN and are counted, never
// averaged in.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/stats/dense_matrix.hpp"
#include "stx/stats/stats.hpp"  // finite_mean

namespace stx {

struct TargetMetrics {
  std::vector<double> r;          // (T) NaN where undefined
  std::vector<double> partial_r;  // (T) r given the covariate; NaN without one
  std::vector<double> mse;        // (T)
};

/// truth, prediction (N, T); covariate (N) or nullptr.
TargetMetrics target_metrics(const DenseMatrix& truth, const DenseMatrix& prediction,
                             const std::vector<double>* covariate);

/// The k columns of `m` with the largest variance, largest first.
std::vector<int64_t> most_variable_columns(const DenseMatrix& m, int64_t k);

/// Pearson r of x and y given z: (r_xy - r_xz r_yz) / sqrt((1 - r_xz^2)(1 - r_yz^2)).
double partial_pearson(const std::vector<double>& x, const std::vector<double>& y,
                       const std::vector<double>& z);

}  // namespace stx
