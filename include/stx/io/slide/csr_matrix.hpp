// A compressed-sparse-row float32 matrix: the counts of a Slide (rows = spots, cols = genes).
// Deliberately minimal: storage, validation and the few reductions readers and summaries
// need. Linear algebra lives with the code that needs it (pathways, model).
// Layout matches scipy.sparse.csr_matrix / AnnData's csr_matrix encoding.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace stx {

struct CsrMatrix {
  int64_t n_rows = 0;
  int64_t n_cols = 0;
  std::vector<int64_t> indptr{0};  // (n_rows + 1)
  std::vector<int32_t> indices;    // (nnz) column of each stored value, ascending within a row
  std::vector<float> data;         // (nnz)

  int64_t nnz() const { return static_cast<int64_t>(data.size()); }

  /// Appends one row given its (column, value) pairs in ascending column order.
  void append_row(const std::vector<int32_t>& cols, const std::vector<float>& values);

  /// Throws ShapeError naming `context` if indptr/indices/data are inconsistent or unsorted.
  void validate(std::string_view context) const;

  /// Sum of each row (double accumulation). (n_rows)
  std::vector<double> row_sums() const;
  /// Number of stored non-zero values in each row. (n_rows)
  std::vector<int64_t> row_nonzeros() const;
  /// Number of rows in which each column is non-zero. (n_cols)
  std::vector<int64_t> col_nonzeros() const;

  /// A new matrix made of the given rows, in the given order.
  CsrMatrix select_rows(const std::vector<int64_t>& rows) const;

  /// Row-major dense copy; for tests and small matrices only.
  std::vector<float> to_dense() const;
};

}  // namespace stx
