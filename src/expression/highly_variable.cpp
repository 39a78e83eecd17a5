#include "stx/expression/highly_variable.hpp"

#include <algorithm>

#include "stx/core/error.hpp"

namespace stx {

GeneMoments::GeneMoments(int64_t genes)
    : sum_(static_cast<size_t>(genes), 0.0), sum_sq_(static_cast<size_t>(genes), 0.0),
      detected_(static_cast<size_t>(genes), 0) {}

void GeneMoments::add(const CsrMatrix& logged, const std::vector<int64_t>& gene_of_column) {
  STX_CHECK(gene_of_column.empty() || static_cast<int64_t>(gene_of_column.size()) == logged.n_cols,
            ShapeError, "gene moments: a mapping of {} columns for a matrix of {}",
            gene_of_column.size(), logged.n_cols);
  for (int64_t k = 0; k < logged.nnz(); ++k) {
    const int64_t column = logged.indices[static_cast<size_t>(k)];
    const int64_t g = gene_of_column.empty() ? column : gene_of_column[static_cast<size_t>(column)];
    if (g < 0) continue;
    const double v = logged.data[static_cast<size_t>(k)];
    sum_[static_cast<size_t>(g)] += v;
    sum_sq_[static_cast<size_t>(g)] += v * v;
    detected_[static_cast<size_t>(g)] += v > 0;
  }
  rows_ += logged.n_rows;
}

double GeneMoments::variance(int64_t gene) const {
  const double n = static_cast<double>(rows_);
  const double mean = sum_[static_cast<size_t>(gene)] / n;
  return sum_sq_[static_cast<size_t>(gene)] / n - mean * mean;  // one pass: sparse rows
}

std::vector<int64_t> highly_variable_genes(const GeneMoments& moments, int64_t count,
                                           double min_detected_fraction) {
  std::vector<std::pair<double, int64_t>> ranked;
  for (int64_t g = 0; g < moments.genes(); ++g)
    if (static_cast<double>(moments.detected(g)) >= min_detected_fraction * static_cast<double>(moments.rows()))
      ranked.push_back({moments.variance(g), g});
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  ranked.resize(std::min(ranked.size(), static_cast<size_t>(std::max<int64_t>(count, 0))));
  std::vector<int64_t> genes;
  for (const auto& r : ranked) genes.push_back(r.second);
  return genes;
}

}  // namespace stx
