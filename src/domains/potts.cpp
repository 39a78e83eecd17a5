#include "stx/domains/potts.hpp"

#include <algorithm>
#include <cmath>

#include "stx/core/error.hpp"

namespace stx {
namespace {

// Domain means (k, d) weighted by the soft labels; a domain with no weight keeps its row.
void update_means(const DenseMatrix& x, const DenseMatrix& q, DenseMatrix& means) {
  for (int64_t l = 0; l < q.cols; ++l) {
    double weight = 0;
    std::vector<double> sum(static_cast<size_t>(x.cols), 0.0);
    for (int64_t i = 0; i < x.rows; ++i) {
      const double w = q.at(i, l);
      weight += w;
      for (int64_t c = 0; c < x.cols; ++c) sum[static_cast<size_t>(c)] += w * x.at(i, c);
    }
    if (weight > 1e-9)
      for (int64_t c = 0; c < x.cols; ++c) means.at(l, c) = sum[static_cast<size_t>(c)] / weight;
  }
}

// Per-feature variance about the domain means, weighted by the soft labels and pooled.
std::vector<double> pooled_variance(const DenseMatrix& x, const DenseMatrix& q, const DenseMatrix& means) {
  std::vector<double> var(static_cast<size_t>(x.cols), 0.0);
  for (int64_t i = 0; i < x.rows; ++i)
    for (int64_t l = 0; l < q.cols; ++l)
      for (int64_t c = 0; c < x.cols; ++c) {
        const double r = x.at(i, c) - means.at(l, c);
        var[static_cast<size_t>(c)] += q.at(i, l) * r * r;
      }
  for (double& v : var) v = v / static_cast<double>(x.rows) + 1e-6;  // floor: constant features
  return var;
}

}  // namespace

std::vector<int> potts_refine(const DenseMatrix& features, const SpotGraph& graph,
                              std::vector<int> labels, int k, const PottsOptions& options) {
  STX_CHECK(graph.n_spots() == features.rows && static_cast<int64_t>(labels.size()) == features.rows,
            ShapeError, "Potts refinement: {} spots, a graph of {} and {} labels", features.rows,
            graph.n_spots(), labels.size());
  STX_CHECK(k >= 1 && std::all_of(labels.begin(), labels.end(), [k](int l) { return l >= 0 && l < k; }),
            ShapeError, "Potts refinement: labels outside [0, {})", k);
  STX_CHECK(std::isfinite(options.beta) && options.beta >= 0, ConfigError,
            "Potts refinement: beta must be a finite number >= 0, got {}", options.beta);
  const int64_t n = features.rows;
  DenseMatrix q{n, k, std::vector<double>(static_cast<size_t>(n * k), 0.0)};  // soft labels
  for (int64_t i = 0; i < n; ++i) q.at(i, labels[static_cast<size_t>(i)]) = 1;
  DenseMatrix means{k, features.cols, std::vector<double>(static_cast<size_t>(k * features.cols), 0.0)};
  std::vector<double> energy(static_cast<size_t>(k));
  for (int sweep = 0; sweep < options.max_sweeps; ++sweep) {
    update_means(features, q, means);
    const std::vector<double> var = pooled_variance(features, q, means);
    double change = 0;
    for (int64_t i = 0; i < n; ++i) {
      // log q_i(l) = log N(x_i | mean_l, var) + beta * sum over neighbours j of q_j(l) + const
      for (int l = 0; l < k; ++l) {
        double e = 0;
        for (int64_t c = 0; c < features.cols; ++c) {
          const double r = features.at(i, c) - means.at(l, c);
          e -= 0.5 * r * r / var[static_cast<size_t>(c)];
        }
        for (int64_t j = graph.offsets[static_cast<size_t>(i)]; j < graph.offsets[static_cast<size_t>(i) + 1]; ++j)
          e += options.beta * q.at(graph.neighbours[static_cast<size_t>(j)], l);
        energy[static_cast<size_t>(l)] = e;
      }
      const double top = *std::max_element(energy.begin(), energy.end());
      double total = 0;
      for (double& e : energy) total += (e = std::exp(e - top));
      for (int l = 0; l < k; ++l) {
        const double updated = energy[static_cast<size_t>(l)] / total;
        change = std::max(change, std::abs(updated - q.at(i, l)));
        q.at(i, l) = updated;
      }
    }
    if (change < options.tolerance) break;
  }
  for (int64_t i = 0; i < n; ++i) {
    int best = 0;
    for (int l = 1; l < k; ++l)
      if (q.at(i, l) > q.at(i, best)) best = l;
    labels[static_cast<size_t>(i)] = best;
  }
  return labels;
}

}  // namespace stx
