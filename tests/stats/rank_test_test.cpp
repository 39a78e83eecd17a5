// The Mann-Whitney U test against scipy.stats.mannwhitneyu(method="asymptotic") and R's
// wilcox.test(exact = FALSE), and Benjamini-Hochberg against R's p.adjust(p, "BH"); the
// reference values are quoted from those runs.
#include <gtest/gtest.h>

#include <cmath>

#include "stx/stats/rank_test.hpp"

namespace stx {
namespace {

TEST(MannWhitney, MatchesScipyAndRWithTies) {
  // Ties within and across the samples (3.1 three times, 1.5 twice).
  const RankTest t = mann_whitney_u({1.5, 2.0, 3.1, 3.1, 4.7, 5.0}, {0.2, 1.5, 1.9, 3.1, 2.2});
  EXPECT_DOUBLE_EQ(t.u, 23.5);  // scipy's statistic, R's W
  EXPECT_NEAR(t.p, 0.13954714372531585, 1e-12);
  EXPECT_NEAR(t.auc, 23.5 / 30, 1e-15);
}

TEST(MannWhitney, MatchesScipyOnShiftedSamplesBothWays) {
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) a.push_back(0.1 * i);
  for (int i = 0; i < 25; ++i) b.push_back(0.1 * i + 0.7);
  EXPECT_DOUBLE_EQ(mann_whitney_u(a, b).u, 268.5);
  EXPECT_NEAR(mann_whitney_u(a, b).p, 0.07309901451841079, 1e-12);
  EXPECT_DOUBLE_EQ(mann_whitney_u(b, a).u, 481.5);
  EXPECT_NEAR(mann_whitney_u(b, a).p, 0.07309901451841079, 1e-12);
}

TEST(MannWhitney, DegenerateSamples) {
  EXPECT_TRUE(std::isnan(mann_whitney_u({}, {1.0}).p));
  EXPECT_EQ(mann_whitney_u({2, 2}, {2, 2, 2}).p, 1.0);  // all values equal
  EXPECT_THROW(mann_whitney_u({1, std::nan("")}, {2}), std::exception);
}

TEST(BenjaminiHochberg, MatchesR) {
  const std::vector<double> q = benjamini_hochberg({0.01, 0.04, 0.03, 0.005, 0.5});
  const std::vector<double> r = {0.025, 0.05, 0.05, 0.025, 0.5};  // p.adjust(p, "BH")
  ASSERT_EQ(q.size(), r.size());
  for (size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], r[i], 1e-15);
  EXPECT_TRUE(benjamini_hochberg({}).empty());
}

}  // namespace
}  // namespace stx
