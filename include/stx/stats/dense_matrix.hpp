// A row-major dense matrix of doubles: what baselines, metrics and domains compute on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace stx {

struct DenseMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<double> values;
  double& at(int64_t r, int64_t c) { return values[static_cast<size_t>(r * cols + c)]; }
  double at(int64_t r, int64_t c) const { return values[static_cast<size_t>(r * cols + c)]; }
};

/// The given rows of `m`, in the order given (repeats allowed).
DenseMatrix select_rows(const DenseMatrix& m, const std::vector<int64_t>& rows);

}  // namespace stx
