// Highly variable genes, scanpy's highly_variable_genes(flavor="seurat") reduced to its core:
// the genes with the highest variance of log1p-CP10k over the spots. Used to pick training
// targets (pooled over slides) and the expression baseline of spatial domains.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/io/slide/csr_matrix.hpp"

namespace stx {

/// Per-gene sums over the rows of log-normalised matrices, pooled over slides.
class GeneMoments {
 public:
  explicit GeneMoments(int64_t genes);

  /// Adds the rows of `logged`; its column j counts as gene `gene_of_column[j]` (-1: skipped).
  /// With no mapping, column j is gene j.
  void add(const CsrMatrix& logged, const std::vector<int64_t>& gene_of_column = {});

  double variance(int64_t gene) const;  // population variance over all rows added
  int64_t detected(int64_t gene) const { return detected_[static_cast<size_t>(gene)]; }
  int64_t rows() const { return rows_; }
  int64_t genes() const { return static_cast<int64_t>(sum_.size()); }

 private:
  std::vector<double> sum_, sum_sq_;
  std::vector<int64_t> detected_;
  int64_t rows_ = 0;
};

/// The `count` genes of highest variance among those detected (> 0) in at least
/// `min_detected_fraction` of the rows, by decreasing variance (ties: lower index first).
std::vector<int64_t> highly_variable_genes(const GeneMoments& moments, int64_t count,
                                           double min_detected_fraction = 0.0);

}  // namespace stx
