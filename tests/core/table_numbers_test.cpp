#include "stx/core/run_folder.hpp"
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

TEST(TsvNumbers, OneSpellingOfAMissingNumber) {
  EXPECT_EQ(tsv_general(0.123456789, 6), "0.123457");
  EXPECT_EQ(tsv_general(1234567.0, 7), "1234567");
  EXPECT_EQ(tsv_general(2.5e-7, 6), "2.5e-07");
  EXPECT_EQ(tsv_fixed(0.5, 4), "0.5000");
  for (const double missing : {static_cast<double>(NAN), static_cast<double>(INFINITY), -static_cast<double>(INFINITY)}) {
    EXPECT_EQ(tsv_general(missing, 6), kTsvMissing);
    EXPECT_EQ(tsv_fixed(missing, 4), kTsvMissing);
  }
  EXPECT_STREQ(kTsvMissing, "NaN");
}

}  // namespace
}  // namespace stx
