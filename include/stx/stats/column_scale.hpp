// Column-wise standardisation, the one implementation that every layer uses: the trainer's
// feature and target scales, per-slide features, ridge's features and domain features.
// A constant column (sd at most kConstantColumnSd) keeps sd 1: it is centred, not scaled.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/stats/dense_matrix.hpp"

namespace stx {

inline constexpr double kConstantColumnSd = 1e-6;

struct ColumnScale {
  std::vector<double> mean, sd;  // (cols)
};

/// Mean and sd of each column over all rows of `parts`, each a row-major (rows_i, cols) block
/// (one per slide). ddof 0 gives the population sd, 1 the sample sd (numpy's ddof). Two passes
/// in double.
template <typename T>
ColumnScale column_scale(const std::vector<const std::vector<T>*>& parts, int64_t cols, int ddof = 0);

template <typename T>
ColumnScale column_scale(const std::vector<T>& values, int64_t cols, int ddof = 0) {
  return column_scale<T>(std::vector<const std::vector<T>*>{&values}, cols, ddof);
}

/// (value - mean) / sd for every element of the row-major (rows, cols) `values`.
template <typename T>
void standardise(std::vector<T>& values, const ColumnScale& scale);

/// `values` (rows, cols) row-major with each column standardised over its rows (population sd).
std::vector<float> standardise_columns(std::vector<float> values, int64_t cols);
DenseMatrix standardise_columns(DenseMatrix m);

/// The scale as float vectors, as a model stores it.
void to_float(const ColumnScale& scale, std::vector<float>& mean, std::vector<float>& sd);

}  // namespace stx
