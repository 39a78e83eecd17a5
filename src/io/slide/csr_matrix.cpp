// CsrMatrix storage, validation and reductions.
#include "stx/io/slide/csr_matrix.hpp"

#include <algorithm>

#include "stx/core/error.hpp"

namespace stx {

void CsrMatrix::append_row(const std::vector<int32_t>& cols, const std::vector<float>& values) {
  indices.insert(indices.end(), cols.begin(), cols.end());
  data.insert(data.end(), values.begin(), values.end());
  indptr.push_back(static_cast<int64_t>(data.size()));
  ++n_rows;
}

void CsrMatrix::validate(std::string_view context) const {
  STX_CHECK(n_rows >= 0 && n_cols >= 0 && static_cast<int64_t>(indptr.size()) == n_rows + 1, ShapeError,
            "{}: indptr has {} entries, expected n_rows + 1 = {}", context, indptr.size(),
            n_rows + 1);
  STX_CHECK(indices.size() == data.size(), ShapeError,
            "{}: {} column indices but {} values", context, indices.size(), data.size());
  STX_CHECK(indptr.front() == 0 && indptr.back() == nnz(), ShapeError,
            "{}: indptr must run from 0 to nnz = {}, found {}..{}", context, nnz(),
            indptr.front(), indptr.back());
  // all of indptr first: a row that ends past nnz must be refused before its entries are read
  const auto decrease = std::is_sorted_until(indptr.begin(), indptr.end());
  STX_CHECK(decrease == indptr.end(), ShapeError, "{}: indptr decreases at row {}", context,
            decrease - indptr.begin() - 1);
  for (int64_t r = 0; r < n_rows; ++r) {
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) {
      STX_CHECK(indices[k] >= 0 && indices[k] < n_cols, ShapeError,
                "{}: column index {} in row {} is outside [0, {})", context, indices[k], r,
                n_cols);
      STX_CHECK(k == indptr[r] || indices[k - 1] < indices[k], ShapeError,
                "{}: column indices of row {} are not strictly ascending", context, r);
    }
  }
}

std::vector<double> CsrMatrix::row_sums() const {
  std::vector<double> sums(n_rows, 0.0);
  for (int64_t r = 0; r < n_rows; ++r)
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) sums[r] += data[k];
  return sums;
}

std::vector<int64_t> CsrMatrix::row_nonzeros() const {
  std::vector<int64_t> counts(n_rows, 0);
  for (int64_t r = 0; r < n_rows; ++r)
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) counts[r] += data[k] != 0.0f;
  return counts;
}

std::vector<int64_t> CsrMatrix::col_nonzeros() const {
  std::vector<int64_t> counts(n_cols, 0);
  for (int64_t k = 0; k < nnz(); ++k) counts[indices[k]] += data[k] != 0.0f;
  return counts;
}

CsrMatrix CsrMatrix::select_rows(const std::vector<int64_t>& rows) const {
  CsrMatrix out;
  out.n_cols = n_cols;
  out.indptr.reserve(rows.size() + 1);
  for (int64_t r : rows) {
    STX_CHECK(r >= 0 && r < n_rows, ShapeError, "select_rows: row {} outside [0, {})", r,
              n_rows);
    out.indices.insert(out.indices.end(), indices.begin() + indptr[r],
                       indices.begin() + indptr[r + 1]);
    out.data.insert(out.data.end(), data.begin() + indptr[r], data.begin() + indptr[r + 1]);
    out.indptr.push_back(static_cast<int64_t>(out.data.size()));
    ++out.n_rows;
  }
  return out;
}

std::vector<float> CsrMatrix::to_dense() const {
  std::vector<float> dense(static_cast<size_t>(n_rows * n_cols), 0.0f);
  for (int64_t r = 0; r < n_rows; ++r)
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) dense[r * n_cols + indices[k]] = data[k];
  return dense;
}

}  // namespace stx
