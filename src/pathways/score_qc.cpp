#include "stx/pathways/score_qc.hpp"

#include <cmath>
#include <limits>

#include "stx/stats/stats.hpp"

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

namespace {

// values - (a + b log_depth), by least squares over the spots where both are finite.
std::vector<double> depth_residuals(const std::vector<double>& values,
                                    const std::vector<double>& log_depth) {
  double n = 0, mx = 0, my = 0;
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i]) && std::isfinite(log_depth[i]))
      n += 1, mx += log_depth[i], my += values[i];
  std::vector<double> out(values.size(), std::numeric_limits<double>::quiet_NaN());
  if (n < 3) return out;
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i]) && std::isfinite(log_depth[i]))
      sxy += (log_depth[i] - mx) * (values[i] - my), sxx += (log_depth[i] - mx) * (log_depth[i] - mx);
  const double slope = sxx > 0 ? sxy / sxx : 0.0;
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i]) && std::isfinite(log_depth[i]))
      out[i] = values[i] - my - slope * (log_depth[i] - mx);
  return out;
}

}  // namespace

ScoreQc score_qc(const PathwayScores& scores, const CsrMatrix& counts, const SpotGraph& graph) {
  ScoreQc qc;
  std::vector<double> log_depth;
  for (double total : counts.row_sums())
    log_depth.push_back(total > 0 ? std::log(total) : std::numeric_limits<double>::quiet_NaN());
  const int64_t n_pathways = static_cast<int64_t>(scores.pathways.size());
  std::vector<double> column(static_cast<size_t>(scores.n_spots));
  double r_sum = 0, i_sum = 0, r_n = 0, i_n = 0, ri_sum = 0, ri_n = 0;
  for (int64_t p = 0; p < n_pathways; ++p) {
    for (int64_t s = 0; s < scores.n_spots; ++s) column[s] = scores.at(s, p);
    const double r = pearson(column, log_depth);
    const double moran = graph.n_spots() > 0 ? morans_i(column, graph)
                                             : std::numeric_limits<double>::quiet_NaN();
    qc.depth_r.push_back(r);
    qc.morans_i.push_back(moran);
    const double residual_moran = graph.n_spots() > 0
                                      ? morans_i(depth_residuals(column, log_depth), graph)
                                      : std::numeric_limits<double>::quiet_NaN();
    qc.residual_morans_i.push_back(residual_moran);
    if (std::isfinite(residual_moran)) ri_sum += residual_moran, ri_n += 1;
    if (std::isfinite(r)) r_sum += std::abs(r), r_n += 1;
    if (std::isfinite(moran)) i_sum += moran, i_n += 1;
    if (!std::isfinite(r) || (graph.n_spots() > 0 && !std::isfinite(moran))) ++qc.undefined;
  }
  qc.mean_abs_depth_r = r_n > 0 ? r_sum / r_n : std::numeric_limits<double>::quiet_NaN();
  qc.mean_morans_i = i_n > 0 ? i_sum / i_n : std::numeric_limits<double>::quiet_NaN();
  qc.mean_residual_morans_i = ri_n > 0 ? ri_sum / ri_n : std::numeric_limits<double>::quiet_NaN();
  return qc;
}

ScoreQc score_qc(const PathwayScores& scores, const Slide& slide) {
  const SpotGraph graph = slide.has_coordinates() ? adjacency_graph(slide.pixel_x, slide.pixel_y) : SpotGraph{};
  return score_qc(scores, slide.counts, graph);
}

}  // namespace stx
