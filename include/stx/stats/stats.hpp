// Small statistics used across layers. NaN inputs are skipped pairwise; a constant input
// gives NaN (not 0), so callers must count such cases rather than average them away.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace stx {

/// Pearson correlation over the pairs where both values are finite; NaN if fewer than 3
/// pairs or either side is constant.
double pearson(const std::vector<double>& a, const std::vector<double>& b);

/// A running mean of the finite values added; NaN and infinities are counted, not averaged.
class FiniteMean {
 public:
  void add(double v) {
    if (std::isfinite(v)) sum_ += v, ++n_;
    else ++skipped_;
  }
  double value() const;  // NaN when no finite value was added
  int skipped() const { return skipped_; }

 private:
  double sum_ = 0;
  int n_ = 0, skipped_ = 0;
};

/// Mean of the finite values; `undefined` receives how many were not finite.
double finite_mean(const std::vector<double>& values, int* undefined = nullptr);

/// The same over values[columns].
double finite_mean_of(const std::vector<double>& values, const std::vector<int64_t>& columns,
                      int* undefined = nullptr);

/// The median (the mean of the two middle values for an even count); NaN when empty.
double median(std::vector<double> values);

/// The q-quantile (0..1) of non-empty `v`, interpolated linearly between order statistics
/// (NumPy's default).
double percentile(std::vector<double> v, double q);

/// Several quantiles of `v` at once, sorting it once: percentiles(v, {a, b})[i] is
/// percentile(v, qs[i]).
std::vector<double> percentiles(std::vector<double> v, const std::vector<double>& qs);

/// Ranks from 1, ties sharing their mean rank (scipy.stats.rankdata's "average").
std::vector<double> midranks(const std::vector<double>& values);

/// Spearman's rank correlation: Pearson's of the midranks (scipy.stats.spearmanr). Every value
/// must be finite; NaN if either side is constant.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace stx
