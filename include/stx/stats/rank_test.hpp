// The Mann-Whitney U (Wilcoxon rank-sum) test of two samples, as scipy.stats.mannwhitneyu
// computes it with method="asymptotic": midranks for ties, the normal approximation with the
// tie-corrected variance and a continuity correction; and Benjamini-Hochberg q-values.
// Used for the pathways that set one spatial domain apart from the rest of the slide.
#pragma once

#include <vector>

namespace stx {

struct RankTest {
  double u = 0;    // U of the first sample: pairs (a, b) with a > b, ties counting 1/2
  double auc = 0;  // u / (n_a n_b): the chance that a random a exceeds a random b
  double p = 1;    // two-sided
};

/// NaN when either sample is empty; every value must be finite.
RankTest mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

/// Benjamini-Hochberg adjusted p-values (monotone, capped at 1), in the input's order.
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

}  // namespace stx
