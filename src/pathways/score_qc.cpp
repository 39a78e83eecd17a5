#include "stx/pathways/score_qc.hpp"

#include <cmath>
#include <limits>

#include "stx/core/stats.hpp"

namespace stx {

double morans_i(const std::vector<double>& values, const SpotGraph& graph) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (graph.n_spots() != static_cast<int64_t>(values.size())) return nan;
  double sum = 0, n = 0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, n += 1;
  if (n < 3) return nan;
  const double mean = sum / n;
  double numerator = 0, denominator = 0, weights = 0;
  for (int64_t i = 0; i < graph.n_spots(); ++i) {
    if (!std::isfinite(values[i])) continue;
    const double zi = values[i] - mean;
    denominator += zi * zi;
    for (int64_t k = graph.offsets[i]; k < graph.offsets[i + 1]; ++k) {
      const double vj = values[graph.neighbours[k]];
      if (!std::isfinite(vj)) continue;
      numerator += zi * (vj - mean);
      weights += 1;
    }
  }
  if (weights == 0 || denominator <= 0) return nan;
  return (n / weights) * numerator / denominator;
}

ScoreQc score_qc(const PathwayScores& scores, const CsrMatrix& counts, const SpotGraph& graph) {
  ScoreQc qc;
  std::vector<double> log_depth;
  for (double total : counts.row_sums())
    log_depth.push_back(total > 0 ? std::log(total) : std::numeric_limits<double>::quiet_NaN());
  const int64_t n_pathways = static_cast<int64_t>(scores.pathways.size());
  std::vector<double> column(static_cast<size_t>(scores.n_spots));
  double r_sum = 0, i_sum = 0, r_n = 0, i_n = 0;
  for (int64_t p = 0; p < n_pathways; ++p) {
    for (int64_t s = 0; s < scores.n_spots; ++s) column[s] = scores.at(s, p);
    const double r = pearson(column, log_depth);
    const double moran = graph.n_spots() > 0 ? morans_i(column, graph)
                                             : std::numeric_limits<double>::quiet_NaN();
    qc.depth_r.push_back(r);
    qc.morans_i.push_back(moran);
    if (std::isfinite(r)) r_sum += std::abs(r), r_n += 1;
    if (std::isfinite(moran)) i_sum += moran, i_n += 1;
    if (!std::isfinite(r) || (graph.n_spots() > 0 && !std::isfinite(moran))) ++qc.undefined;
  }
  qc.mean_abs_depth_r = r_n > 0 ? r_sum / r_n : std::numeric_limits<double>::quiet_NaN();
  qc.mean_morans_i = i_n > 0 ? i_sum / i_n : std::numeric_limits<double>::quiet_NaN();
  return qc;
}

}  // namespace stx
