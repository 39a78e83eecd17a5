// The one standardisation. Golden values from numpy: x.mean(0), x.std(0), x.std(0, ddof=1).
#include "stx/stats/column_scale.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

TEST(ColumnScale, PartsPoolTheirRowsAsNumpyDoes) {
  const std::vector<double> first = {1, 5, 2, 3, 5, 2, 4, 5, 7.5}, second = {0, 5, 1};
  const ColumnScale population = column_scale<double>({&first, &second}, 3);
  EXPECT_DOUBLE_EQ(population.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(population.mean[2], 3.125);
  EXPECT_NEAR(population.sd[0], 1.58113883, 1e-8);
  EXPECT_NEAR(population.sd[2], 2.55868619, 1e-8);
  EXPECT_DOUBLE_EQ(population.sd[1], 1.0);  // constant column: sd 0 kept as 1
  const ColumnScale sample = column_scale<double>({&first, &second}, 3, 1);
  EXPECT_NEAR(sample.sd[0], 1.82574186, 1e-8);
  EXPECT_NEAR(sample.sd[2], 2.95451632, 1e-8);
}

TEST(ColumnScale, StandardisedColumnsHaveMeanZeroAndUnitSd) {
  DenseMatrix m{4, 2, {1, 7, 2, 7, 3, 7, 6, 7}};
  m = standardise_columns(m);
  const ColumnScale after = column_scale(m.values, 2);
  EXPECT_NEAR(after.mean[0], 0.0, 1e-12);
  EXPECT_NEAR(after.sd[0], 1.0, 1e-12);
  for (int64_t r = 0; r < 4; ++r) EXPECT_DOUBLE_EQ(m.at(r, 1), 0.0);  // constant: centred only
  EXPECT_STX_ERROR(column_scale(std::vector<float>{1, 2, 3}, 2), ShapeError, "not rows of 2");
}

TEST(DenseMatrix, SelectRowsKeepsOrderAndRepeats) {
  const DenseMatrix m{3, 2, {1, 2, 3, 4, 5, 6}};
  const DenseMatrix picked = select_rows(m, {2, 0, 2});
  EXPECT_EQ(picked.rows, 3);
  EXPECT_EQ(picked.values, (std::vector<double>{5, 6, 1, 2, 5, 6}));
}

}  // namespace
}  // namespace stx
