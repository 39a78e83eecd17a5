#include "stx/stats/dense_matrix.hpp"

namespace stx {

DenseMatrix select_rows(const DenseMatrix& m, const std::vector<int64_t>& rows) {
  DenseMatrix out{static_cast<int64_t>(rows.size()), m.cols, {}};
  out.values.reserve(rows.size() * static_cast<size_t>(m.cols));
  for (int64_t r : rows)
    out.values.insert(out.values.end(), m.values.begin() + r * m.cols, m.values.begin() + (r + 1) * m.cols);
  return out;
}

}  // namespace stx
