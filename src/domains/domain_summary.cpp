#include "stx/domains/domain_summary.hpp"

#include <algorithm>
#include <cmath>

#include "stx/core/error.hpp"
#include "stx/stats/column_scale.hpp"
#include "stx/stats/rank_test.hpp"

namespace stx {

DomainSummary summarise_domains(const DenseMatrix& activity, const std::vector<int>& labels, int k) {
  STX_CHECK(static_cast<int64_t>(labels.size()) == activity.rows && k >= 1, ShapeError,
            "domain summary: {} labels for {} spots, k = {}", labels.size(), activity.rows, k);
  STX_CHECK(std::all_of(labels.begin(), labels.end(), [k](int l) { return l >= 0 && l < k; }),
            ShapeError, "domain summary: a label outside [0, {})", k);
  const DenseMatrix z = standardise_columns(activity);
  DomainSummary out;
  out.k = k;
  out.spots.assign(static_cast<size_t>(k), 0);
  for (int l : labels) ++out.spots[static_cast<size_t>(l)];
  out.mean_z = DenseMatrix{k, z.cols, std::vector<double>(static_cast<size_t>(k * z.cols), 0.0)};
  for (int64_t i = 0; i < z.rows; ++i)
    for (int64_t c = 0; c < z.cols; ++c) out.mean_z.at(labels[static_cast<size_t>(i)], c) += z.at(i, c);
  for (int l = 0; l < k; ++l)
    for (int64_t c = 0; c < z.cols; ++c)
      out.mean_z.at(l, c) = out.spots[static_cast<size_t>(l)] > 0
                                ? out.mean_z.at(l, c) / static_cast<double>(out.spots[static_cast<size_t>(l)])
                                : std::nan("");

  std::vector<double> column_sum(static_cast<size_t>(z.cols), 0.0);
  for (int64_t i = 0; i < z.rows; ++i)
    for (int64_t c = 0; c < z.cols; ++c) column_sum[static_cast<size_t>(c)] += z.at(i, c);
  std::vector<double> inside, outside, p;
  for (int l = 0; l < k; ++l)
    for (int64_t c = 0; c < z.cols; ++c) {
      inside.clear();
      outside.clear();
      for (int64_t i = 0; i < z.rows; ++i) (labels[static_cast<size_t>(i)] == l ? inside : outside).push_back(z.at(i, c));
      const RankTest t = mann_whitney_u(inside, outside);
      // The rest of the slide's mean, from the column total less the domain's share.
      const double n_in = static_cast<double>(inside.size()), n_out = static_cast<double>(outside.size());
      const double difference = inside.empty() || outside.empty()
                                    ? std::nan("")
                                    : out.mean_z.at(l, c) - (column_sum[static_cast<size_t>(c)] - out.mean_z.at(l, c) * n_in) / n_out;
      out.tests.push_back({l, c, difference, t.auc, std::isnan(t.p) ? 1.0 : t.p, 1.0});
      p.push_back(out.tests.back().p);
    }
  const std::vector<double> q = benjamini_hochberg(p);
  for (size_t i = 0; i < q.size(); ++i) out.tests[i].q = q[i];
  return out;
}

std::vector<DomainPathwayTest> DomainSummary::top(int domain, int n, double alpha) const {
  std::vector<DomainPathwayTest> hits;
  for (const auto& t : tests)
    if (t.domain == domain && t.q < alpha && t.difference > 0) hits.push_back(t);
  std::stable_sort(hits.begin(), hits.end(),
                   [](const auto& a, const auto& b) { return a.difference > b.difference; });
  if (static_cast<int>(hits.size()) > n) hits.resize(static_cast<size_t>(n));
  return hits;
}

}  // namespace stx
