#include "stx/domains/domains.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "stx/core/error.hpp"

namespace stx {
namespace {

cv::Mat to_float_mat(const DenseMatrix& m) {
  cv::Mat out(static_cast<int>(m.rows), static_cast<int>(m.cols), CV_32F);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      out.at<float>(static_cast<int>(r), static_cast<int>(c)) = static_cast<float>(m.at(r, c));
  return out;
}

std::vector<int> renumber_by_size(std::vector<int> raw, int k);

// k-means with k-means++ seeding; labels renumbered by decreasing cluster size.
std::vector<int> kmeans(const cv::Mat& data, int k, const DomainOptions& options) {
  cv::theRNG().state = options.seed * 2654435761u + 88172645463325252ull;
  cv::Mat labels;
  cv::kmeans(data, k, labels,
             cv::TermCriteria(cv::TermCriteria::EPS | cv::TermCriteria::COUNT, 300, 1e-6),
             options.restarts, cv::KMEANS_PP_CENTERS);
  return renumber_by_size({labels.begin<int>(), labels.end<int>()}, k);
}

// Domains renumbered by decreasing size (ties: lower number first), so that the same
// partition always gets the same numbers.
std::vector<int> renumber_by_size(std::vector<int> raw, int k) {
  std::vector<int64_t> size(static_cast<size_t>(k), 0);
  for (int l : raw) ++size[static_cast<size_t>(l)];
  std::vector<int> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return size[static_cast<size_t>(a)] > size[static_cast<size_t>(b)]; });
  std::vector<int> rank(static_cast<size_t>(k));
  for (int i = 0; i < k; ++i) rank[static_cast<size_t>(order[static_cast<size_t>(i)])] = i;
  for (int& l : raw) l = rank[static_cast<size_t>(l)];
  return raw;
}

double choose2(double n) { return n * (n - 1) / 2; }

}  // namespace

const NameTable<DomainClustering>& domain_clusterings() {
  static const NameTable<DomainClustering> table(
      "--cluster", "clustering", {{DomainClustering::kKmeans, "kmeans"}, {DomainClustering::kPotts, "potts"}});
  return table;
}

DenseMatrix smooth_over_graph(const DenseMatrix& m, const SpotGraph& graph, double weight,
                              int rounds) {
  STX_CHECK(graph.n_spots() == m.rows, ShapeError, "smoothing: graph of {} spots, {} rows",
            graph.n_spots(), m.rows);
  DenseMatrix current = m;
  for (int round = 0; round < rounds; ++round) {
    DenseMatrix next = current;
    for (int64_t i = 0; i < m.rows; ++i) {
      const int64_t begin = graph.offsets[static_cast<size_t>(i)];
      const int64_t end = graph.offsets[static_cast<size_t>(i) + 1];
      if (begin == end) continue;
      for (int64_t c = 0; c < m.cols; ++c) {
        double sum = 0;
        for (int64_t e = begin; e < end; ++e) sum += current.at(graph.neighbours[static_cast<size_t>(e)], c);
        next.at(i, c) = (1 - weight) * current.at(i, c) + weight * sum / static_cast<double>(end - begin);
      }
    }
    current = std::move(next);
  }
  return current;
}

double silhouette_score(const DenseMatrix& m, const std::vector<int>& labels, int64_t max_spots) {
  STX_CHECK(static_cast<int64_t>(labels.size()) == m.rows, ShapeError,
            "silhouette: {} labels for {} rows", labels.size(), m.rows);
  const int k = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  if (k < 2) return 0;
  std::vector<int64_t> sample;
  const int64_t step = std::max<int64_t>(1, (m.rows + max_spots - 1) / max_spots);
  for (int64_t i = 0; i < m.rows; i += step) sample.push_back(i);
  std::vector<int64_t> size(static_cast<size_t>(k), 0);
  for (int64_t i : sample) ++size[static_cast<size_t>(labels[static_cast<size_t>(i)])];
  double total = 0;
  for (int64_t i : sample) {
    std::vector<double> sum(static_cast<size_t>(k), 0.0);
    for (int64_t j : sample) {
      double d2 = 0;
      for (int64_t c = 0; c < m.cols; ++c) d2 += (m.at(i, c) - m.at(j, c)) * (m.at(i, c) - m.at(j, c));
      sum[static_cast<size_t>(labels[static_cast<size_t>(j)])] += std::sqrt(d2);
    }
    const auto own = static_cast<size_t>(labels[static_cast<size_t>(i)]);
    if (size[own] <= 1) continue;  // a singleton's silhouette is 0 (sklearn's convention)
    const double a = sum[own] / static_cast<double>(size[own] - 1);
    double b = INFINITY;
    for (size_t l = 0; l < sum.size(); ++l)
      if (l != own && size[l] > 0) b = std::min(b, sum[l] / static_cast<double>(size[l]));
    total += (b - a) / std::max(a, b);
  }
  return total / static_cast<double>(sample.size());
}

double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b) {
  STX_CHECK(a.size() == b.size() && !a.empty(), ShapeError,
            "adjusted Rand index: labellings of {} and {} items", a.size(), b.size());
  std::map<std::pair<int, int>, double> table;
  std::map<int, double> rows, cols;
  for (size_t i = 0; i < a.size(); ++i) {
    ++table[{a[i], b[i]}];
    ++rows[a[i]];
    ++cols[b[i]];
  }
  double index = 0, sum_rows = 0, sum_cols = 0;
  for (const auto& [cell, n] : table) index += choose2(n);
  for (const auto& [label, n] : rows) sum_rows += choose2(n);
  for (const auto& [label, n] : cols) sum_cols += choose2(n);
  const double expected = sum_rows * sum_cols / choose2(static_cast<double>(a.size()));
  const double maximum = 0.5 * (sum_rows + sum_cols);
  if (maximum == expected) return 1.0;  // both trivial partitions (sklearn's convention)
  return (index - expected) / (maximum - expected);
}

std::vector<int> label_codes(const std::vector<std::string>& labels) {
  std::map<std::string, int> code;
  for (const auto& l : labels) code.emplace(l, 0);
  int next = 0;
  for (auto& [label, c] : code) c = next++;
  std::vector<int> out;
  out.reserve(labels.size());
  for (const auto& l : labels) out.push_back(code.at(l));
  return out;
}

DomainResult spatial_domains(const DenseMatrix& features, const SpotGraph& graph,
                             const DomainOptions& options) {
  STX_CHECK(features.rows >= 2 && features.cols >= 1, ShapeError,
            "domains: need at least 2 spots and 1 feature, got {} x {}", features.rows,
            features.cols);
  const DenseMatrix smoothed =
      smooth_over_graph(options.standardise ? standardise_columns(features) : features, graph,
                        options.smoothing, options.smoothing_rounds);
  const cv::Mat data = to_float_mat(smoothed);
  DomainResult result;
  if (options.k > 0) {
    STX_CHECK(options.k <= features.rows, ConfigError, "domains: k = {} but only {} spots",
              options.k, features.rows);
    result.k = options.k;
    result.labels = kmeans(data, options.k, options);
  } else {
    STX_CHECK(options.k_min >= 2 && options.k_max >= options.k_min, ConfigError,
              "domains: k range [{}, {}] (need 2 <= min <= max)", options.k_min, options.k_max);
    double best = -2;
    for (int k = options.k_min; k <= std::min<int64_t>(options.k_max, features.rows - 1); ++k) {
      auto labels = kmeans(data, k, options);
      const double s = silhouette_score(smoothed, labels);
      result.silhouette_by_k.emplace_back(k, s);
      if (s > best) {
        best = s;
        result.k = k;
        result.labels = std::move(labels);
      }
    }
  }
  if (options.clustering == DomainClustering::kPotts)
    result.labels = renumber_by_size(
        potts_refine(smoothed, graph, std::move(result.labels), result.k, options.potts), result.k);
  result.silhouette = silhouette_score(smoothed, result.labels);
  return result;
}

}  // namespace stx
