#include "stx/stats/map_specificity.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <limits>

#include "stx/core/error.hpp"

namespace stx {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Columns centred and scaled to unit norm, so that Z^T Z is the correlation matrix; a constant
// (or non-finite) column becomes NaN and so does every correlation with it.
RowMatrix unit_columns(const DenseMatrix& m) {
  RowMatrix z = Eigen::Map<const RowMatrix>(m.values.data(), m.rows, m.cols);
  const double n = static_cast<double>(m.rows);
  for (int64_t c = 0; c < m.cols; ++c) {
    auto col = z.col(c);
    const double mean = n > 0 ? col.mean() : 0.0;
    col.array() -= mean;
    const double ss = col.squaredNorm();
    // constant up to rounding: the criterion of pearson() (stats.hpp), so both agree on it
    if (m.rows < 3 || !std::isfinite(ss) || ss <= 1e-20 * n * (mean * mean + 1e-300))
      col.setConstant(kNaN);
    else
      col /= std::sqrt(ss);
  }
  return z;
}

// Mean |r| of each column with every other column whose r is defined; NaN for a constant one.
std::vector<double> mean_abs_with_others(const RowMatrix& r) {
  std::vector<double> out(static_cast<size_t>(r.rows()), kNaN);
  for (Eigen::Index t = 0; t < r.rows(); ++t) {
    double sum = 0;
    int64_t n = 0;
    for (Eigen::Index q = 0; q < r.cols(); ++q)
      if (q != t && std::isfinite(r(t, q))) sum += std::abs(r(t, q)), ++n;
    if (std::isfinite(r(t, t)) && n > 0) out[static_cast<size_t>(t)] = sum / static_cast<double>(n);
  }
  return out;
}

DenseMatrix to_dense(const RowMatrix& m) {
  DenseMatrix out{m.rows(), m.cols(), std::vector<double>(m.data(), m.data() + m.size())};
  return out;
}

}  // namespace

MapSpecificity map_specificity(const DenseMatrix& truth, const DenseMatrix& prediction) {
  STX_CHECK(truth.rows == prediction.rows && truth.cols == prediction.cols, ShapeError,
            "map specificity: truth is {} x {}, prediction {} x {}", truth.rows, truth.cols,
            prediction.rows, prediction.cols);
  const RowMatrix t = unit_columns(truth), p = unit_columns(prediction);
  MapSpecificity out;
  const RowMatrix measured_r = t.transpose() * t, predicted_r = p.transpose() * p;
  out.measured_between = mean_abs_with_others(measured_r);
  out.predicted_between = mean_abs_with_others(predicted_r);
  out.measured_r = to_dense(measured_r);
  out.predicted_r = to_dense(predicted_r);
  const RowMatrix cross = p.transpose() * t;  // (prediction, measured)
  for (Eigen::Index i = 0; i < cross.rows(); ++i) {
    int64_t best = -1;
    for (Eigen::Index j = 0; j < cross.cols(); ++j)
      if (std::isfinite(cross(i, j)) && (best < 0 || cross(i, j) > cross(i, best))) best = j;
    out.closest_measured.push_back(best);
  }
  return out;
}

OwnClosest count_own_closest(const std::vector<int64_t>& closest_measured) {
  OwnClosest c;
  for (size_t t = 0; t < closest_measured.size(); ++t) {
    if (closest_measured[t] < 0) continue;
    ++c.defined;
    if (closest_measured[t] == static_cast<int64_t>(t)) ++c.own;
  }
  return c;
}

}  // namespace stx
