#include "stx/domains/neighbour_counts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "stx/core/error.hpp"

namespace stx {

CsrMatrix add_neighbour_counts(const CsrMatrix& counts, const SpotGraph& graph, double weight) {
  STX_CHECK(graph.n_spots() == counts.n_rows, ShapeError,
            "neighbour counts: a graph of {} spots for {} rows", graph.n_spots(), counts.n_rows);
  STX_CHECK(std::isfinite(weight) && weight >= 0, ConfigError,
            "neighbour counts: the weight must be a finite number >= 0, got {}", weight);
  int64_t degree = 0;
  for (int64_t i = 0; i < graph.n_spots(); ++i)
    degree = std::max(degree, graph.offsets[static_cast<size_t>(i) + 1] - graph.offsets[static_cast<size_t>(i)]);
  if (weight == 0 || degree == 0) return counts;
  const double share = weight / static_cast<double>(degree);

  CsrMatrix out;
  out.n_cols = counts.n_cols;
  std::vector<double> row(static_cast<size_t>(counts.n_cols), 0.0);
  std::vector<uint8_t> seen(static_cast<size_t>(counts.n_cols), 0);
  std::vector<int32_t> touched, columns;
  std::vector<float> values;
  auto add = [&](int64_t spot, double w) {
    for (int64_t e = counts.indptr[static_cast<size_t>(spot)]; e < counts.indptr[static_cast<size_t>(spot) + 1]; ++e) {
      const int32_t c = counts.indices[static_cast<size_t>(e)];
      if (!seen[static_cast<size_t>(c)]) {
        seen[static_cast<size_t>(c)] = 1;
        touched.push_back(c);
      }
      row[static_cast<size_t>(c)] += w * counts.data[static_cast<size_t>(e)];
    }
  };
  for (int64_t i = 0; i < counts.n_rows; ++i) {
    add(i, 1.0);
    for (int64_t e = graph.offsets[static_cast<size_t>(i)]; e < graph.offsets[static_cast<size_t>(i) + 1]; ++e)
      add(graph.neighbours[static_cast<size_t>(e)], share);
    std::sort(touched.begin(), touched.end());
    columns.clear();
    values.clear();
    for (int32_t c : touched) {
      if (row[static_cast<size_t>(c)] != 0) {
        columns.push_back(c);
        values.push_back(static_cast<float>(row[static_cast<size_t>(c)]));
      }
      row[static_cast<size_t>(c)] = 0;
      seen[static_cast<size_t>(c)] = 0;
    }
    touched.clear();
    out.append_row(columns, values);
  }
  return out;
}

}  // namespace stx
