#include "stx/stats/column_scale.hpp"

#include <cmath>

#include "stx/core/error.hpp"

namespace stx {

template <typename T>
ColumnScale column_scale(const std::vector<const std::vector<T>*>& parts, int64_t cols, int ddof) {
  STX_CHECK(cols > 0, ShapeError, "standardise: {} columns", cols);
  const size_t c = static_cast<size_t>(cols);
  size_t rows = 0;
  for (const auto* values : parts) {
    STX_CHECK(values->size() % c == 0, ShapeError, "standardise: {} values are not rows of {}",
              values->size(), cols);
    rows += values->size() / c;
  }
  ColumnScale scale{std::vector<double>(c, 0.0), std::vector<double>(c, 0.0)};
  for (const auto* values : parts)
    for (size_t i = 0; i < values->size(); ++i) scale.mean[i % c] += (*values)[i];
  for (auto& m : scale.mean) m /= static_cast<double>(std::max<size_t>(rows, 1));
  for (const auto* values : parts)
    for (size_t i = 0; i < values->size(); ++i) {
      const double d = (*values)[i] - scale.mean[i % c];
      scale.sd[i % c] += d * d;
    }
  const double denominator = static_cast<double>(rows) - ddof;
  for (auto& s : scale.sd) {
    s = denominator > 0 ? std::sqrt(s / denominator) : 0.0;
    if (!(s > kConstantColumnSd)) s = 1.0;
  }
  return scale;
}

template <typename T>
void standardise(std::vector<T>& values, const ColumnScale& scale) {
  const size_t c = scale.mean.size();
  STX_CHECK(c > 0 && values.size() % c == 0, ShapeError, "standardise: {} values are not rows of {}",
            values.size(), c);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<T>((values[i] - scale.mean[i % c]) / scale.sd[i % c]);
}

template ColumnScale column_scale<float>(const std::vector<const std::vector<float>*>&, int64_t, int);
template ColumnScale column_scale<double>(const std::vector<const std::vector<double>*>&, int64_t, int);
template void standardise<float>(std::vector<float>&, const ColumnScale&);
template void standardise<double>(std::vector<double>&, const ColumnScale&);

std::vector<float> standardise_columns(std::vector<float> values, int64_t cols) {
  standardise(values, column_scale(values, cols));
  return values;
}

DenseMatrix standardise_columns(DenseMatrix m) {
  if (m.rows == 0 || m.cols == 0) return m;
  standardise(m.values, column_scale(m.values, m.cols));
  return m;
}

void to_float(const ColumnScale& scale, std::vector<float>& mean, std::vector<float>& sd) {
  mean.assign(scale.mean.begin(), scale.mean.end());
  sd.assign(scale.sd.begin(), scale.sd.end());
}

}  // namespace stx
