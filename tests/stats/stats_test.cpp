#include "stx/stats/stats.hpp"

#include <cmath>

#include "test_support.hpp"

namespace stx {
namespace {

TEST(Pearson, KnownValues) {
  EXPECT_DOUBLE_EQ(pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0);
  EXPECT_DOUBLE_EQ(pearson({1, 2, 3, 4}, {8, 6, 4, 2}), -1.0);
  // x = (1, 2, 3), y = (1, 3, 2): cov = 0.5, var = 1 each -> r = 0.5.
  EXPECT_NEAR(pearson({1, 2, 3}, {1, 3, 2}), 0.5, 1e-15);
  EXPECT_NEAR(pearson({1, 2, NAN, 3}, {1, 3, 100, 2}), 0.5, 1e-15);  // NaN pairs skipped
  EXPECT_TRUE(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));             // constant: undefined
  EXPECT_TRUE(std::isnan(pearson({1, 2}, {1, 2})));                   // too few pairs
}

// Golden values from scipy.stats.rankdata and spearmanr.
TEST(Spearman, MidranksAndKnownValues) {
  EXPECT_EQ(midranks({3, 1, 2, 2, 5, 4}), (std::vector<double>{4, 1, 2.5, 2.5, 6, 5}));
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}), 0.8207826816681233, 1e-12);
  EXPECT_NEAR(spearman({3, 1, 2, 2, 5, 4}, {1, 2, 2, 3, 9, 0}), 0.014705882352941178, 1e-12);
  EXPECT_TRUE(std::isnan(spearman({1, 2, 3}, {4, 4, 4})));
}

TEST(Median, OddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(median({5, 1, 3}), 3.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);  // the mean of the two middle values
  EXPECT_DOUBLE_EQ(median({7}), 7.0);
  EXPECT_TRUE(std::isnan(median({})));
}

}  // namespace
}  // namespace stx
