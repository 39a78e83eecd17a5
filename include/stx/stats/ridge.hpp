// Ridge regression, the HEST benchmark's baseline: features standardised with the training
// spots' mean and sd, an unpenalised intercept, closed-form solution. With several
// training groups (sections), the penalty is chosen by leave-one-group-out on the training
// data only, so the held-out section never influences it.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/stats/dense_matrix.hpp"

namespace stx {

struct RidgeModel {
  std::vector<double> feature_mean, feature_scale;  // (D)
  DenseMatrix coefficients;                         // (D, T)
  std::vector<double> intercept;                    // (T)
  double lambda = 0;
};

/// The penalties tried by leave-one-group-out, and the one used when there is a single group.
inline std::vector<double> default_ridge_lambdas() { return {0.1, 1, 10, 100, 1000, 10000}; }
inline constexpr double kFallbackRidgeLambda = 100.0;

/// Fits Y (N, T) on X (N, D) with penalty lambda * ||W||^2 on standardised features.
RidgeModel fit_ridge(const DenseMatrix& x, const DenseMatrix& y, double lambda);
DenseMatrix predict_ridge(const RidgeModel& model, const DenseMatrix& x);

/// The lambda of `grid` with the best mean Pearson r over targets, by leave-one-group-out
/// over the distinct values of `groups` (N); needs at least two groups.
double choose_ridge_lambda(const DenseMatrix& x, const DenseMatrix& y,
                           const std::vector<int>& groups, const std::vector<double>& grid);

/// Reduced-rank ridge: the coefficients projected onto the `rank` leading principal directions
/// of the model's fitted values on `x` (reduced-rank regression on top of the ridge fit), so
/// that all targets are predicted through `rank` shared components. rank 0, or at least the
/// number of targets, leaves the model as it is.
RidgeModel reduce_rank(const RidgeModel& model, const DenseMatrix& x, int64_t rank);

struct RidgeChoice {
  double lambda = 0;
  int64_t rank = 0;  // 0: full rank
};

/// The (lambda, rank) pair with the best mean Pearson r by leave-one-group-out, as
/// choose_ridge_lambda; rank 0 in `ranks` stands for the full-rank fit.
RidgeChoice choose_ridge(const DenseMatrix& x, const DenseMatrix& y, const std::vector<int>& groups,
                         const std::vector<double>& lambdas, const std::vector<int64_t>& ranks);

/// Mean over targets of the Pearson r between columns of `truth` and `prediction`; targets
/// with an undefined r (constant truth or prediction) are left out and counted in `undefined`.
double mean_column_pearson(const DenseMatrix& truth, const DenseMatrix& prediction,
                           int* undefined = nullptr);

}  // namespace stx
