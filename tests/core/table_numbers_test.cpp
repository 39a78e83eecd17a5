#include "stx/core/table_numbers.hpp"

#include <cmath>

#include "test_support.hpp"

namespace stx {
namespace {

TEST(TableNumbers, CorrelationsToThreeDecimalsWithoutNegativeZero) {
  EXPECT_EQ(three_decimals(0.39349, "-"), "0.393");
  EXPECT_EQ(three_decimals(-0.0004, "-"), "0.000");  // a partial r of noise around zero
  EXPECT_EQ(three_decimals(-0.0006, "-"), "-0.001");
  EXPECT_EQ(three_decimals(NAN, "&ndash;"), "&ndash;");
}

TEST(TableNumbers, MseKeepsThreeSignificantDigits) {
  EXPECT_EQ(three_significant(0.00023, "-"), "0.000230");
  EXPECT_EQ(three_significant(0.000246, "-"), "0.000246");
  EXPECT_EQ(three_significant(0.5, "-"), "0.500");
  EXPECT_EQ(three_significant(INFINITY, "—"), "—");
}

}  // namespace
}  // namespace stx
