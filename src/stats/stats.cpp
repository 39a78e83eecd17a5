#include "stx/stats/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "stx/core/error.hpp"

namespace stx {

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = std::min(a.size(), b.size());
  double sa = 0, sb = 0, count = 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(a[i]) && std::isfinite(b[i])) sa += a[i], sb += b[i], count += 1;
  if (count < 3) return std::numeric_limits<double>::quiet_NaN();
  const double ma = sa / count, mb = sb / count;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  // Constant up to rounding (a repeated mean is not always bit-identical after the division).
  const auto constant = [&](double ss, double m) { return ss <= 1e-20 * count * (m * m + 1e-300); };
  if (constant(saa, ma) || constant(sbb, mb)) return std::numeric_limits<double>::quiet_NaN();
  return sab / std::sqrt(saa * sbb);
}

double FiniteMean::value() const { return n_ > 0 ? sum_ / n_ : std::numeric_limits<double>::quiet_NaN(); }

double finite_mean(const std::vector<double>& values, int* undefined) {
  FiniteMean mean;
  for (double v : values) mean.add(v);
  if (undefined) *undefined = mean.skipped();
  return mean.value();
}

double finite_mean_of(const std::vector<double>& values, const std::vector<int64_t>& columns,
                      int* undefined) {
  FiniteMean mean;
  for (int64_t c : columns) mean.add(values[static_cast<size_t>(c)]);
  if (undefined) *undefined = mean.skipped();
  return mean.value();
}

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (values.size() % 2 == 1) return *mid;
  return 0.5 * (*std::max_element(values.begin(), mid) + *mid);
}

std::vector<double> percentiles(std::vector<double> v, const std::vector<double>& qs) {
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double q : qs) {
    STX_CHECK(!v.empty() && q >= 0 && q <= 1, ShapeError, "percentile: {} values, q {}", v.size(), q);
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    out.push_back(v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]));
  }
  return out;
}

double percentile(std::vector<double> v, double q) { return percentiles(std::move(v), {q}).front(); }

std::vector<double> midranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = (static_cast<double>(i + j) + 2) / 2;  // ranks i+1 .. j+1
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  return pearson(midranks(a), midranks(b));
}

}  // namespace stx
