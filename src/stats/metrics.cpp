#include "stx/stats/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/stats/stats.hpp"

namespace stx {

namespace {
std::vector<double> column(const DenseMatrix& m, int64_t c) {
  std::vector<double> out(static_cast<size_t>(m.rows));
  for (int64_t r = 0; r < m.rows; ++r) out[static_cast<size_t>(r)] = m.at(r, c);
  return out;
}
}  // namespace

double partial_pearson(const std::vector<double>& x, const std::vector<double>& y,
                       const std::vector<double>& z) {
  const double rxy = pearson(x, y), rxz = pearson(x, z), ryz = pearson(y, z);
  const double denominator = std::sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
  if (!std::isfinite(rxy) || !std::isfinite(rxz) || !std::isfinite(ryz) || denominator < 1e-12)
    return std::numeric_limits<double>::quiet_NaN();
  return (rxy - rxz * ryz) / denominator;
}

TargetMetrics target_metrics(const DenseMatrix& truth, const DenseMatrix& prediction,
                             const std::vector<double>* covariate) {
  STX_CHECK(truth.rows == prediction.rows && truth.cols == prediction.cols, ShapeError,
            "metrics: truth is {} x {}, prediction {} x {}", truth.rows, truth.cols,
            prediction.rows, prediction.cols);
  STX_CHECK(!covariate || static_cast<int64_t>(covariate->size()) == truth.rows, ShapeError,
            "metrics: covariate has {} values for {} spots", covariate ? covariate->size() : 0,
            truth.rows);
  TargetMetrics m;
  for (int64_t c = 0; c < truth.cols; ++c) {
    const auto t = column(truth, c), p = column(prediction, c);
    m.r.push_back(pearson(t, p));
    m.partial_r.push_back(covariate ? partial_pearson(t, p, *covariate)
                                    : std::numeric_limits<double>::quiet_NaN());
    double se = 0;
    for (size_t i = 0; i < t.size(); ++i) se += (t[i] - p[i]) * (t[i] - p[i]);
    m.mse.push_back(se / static_cast<double>(std::max<size_t>(1, t.size())));
  }
  return m;
}

std::vector<int64_t> most_variable_columns(const DenseMatrix& m, int64_t k) {
  std::vector<std::pair<double, int64_t>> ranked;
  for (int64_t c = 0; c < m.cols; ++c) {
    double sum = 0, sum_sq = 0;
    for (int64_t r = 0; r < m.rows; ++r) {
      sum += m.at(r, c);
      sum_sq += m.at(r, c) * m.at(r, c);
    }
    const double mean = sum / static_cast<double>(std::max<int64_t>(1, m.rows));
    ranked.push_back({sum_sq / static_cast<double>(std::max<int64_t>(1, m.rows)) - mean * mean, c});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int64_t> out;
  for (int64_t i = 0; i < std::min<int64_t>(k, m.cols); ++i) out.push_back(ranked[static_cast<size_t>(i)].second);
  return out;
}

}  // namespace stx
