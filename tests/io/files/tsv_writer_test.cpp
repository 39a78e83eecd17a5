// The one TSV writer: read back with TextLines, the run folder's NaN, checked row widths, and
// no file under the final name before commit().
#include "stx/io/files/tsv_writer.hpp"

#include <cmath>
#include <filesystem>

#include "stx/core/text_lines.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

TEST(TsvWriter, RoundTripsThroughTextLines) {
  test::TempDir dir;
  const std::string path = dir / "t.tsv";
  TsvWriter tsv(path, {"spot", "r", "k", "share"});
  tsv.text("AAAC-1").number(0.123456789).integer(7).fixed(0.5, 2).end_row();
  tsv.text("AAAG-1").number(std::nan("")).integer(-1).fixed(INFINITY, 2).end_row();
  EXPECT_FALSE(std::filesystem::exists(path));  // only the temporary so far
  tsv.commit();
  EXPECT_EQ(tsv.rows(), 2);
  TextLines lines(path);
  std::string line;
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "spot\tr\tk\tshare");
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "AAAC-1\t0.123457\t7\t0.50");
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "AAAG-1\tNaN\t-1\tNaN");
  EXPECT_FALSE(lines.next(line));
}

TEST(TsvWriter, RefusesRowsOfTheWrongWidthAndLeavesNoFile) {
  test::TempDir dir;
  const std::string path = dir / "t.tsv";
  {
    TsvWriter tsv(path, {"a", "b"});
    tsv.text("1");
    EXPECT_STX_ERROR(tsv.end_row(), ShapeError, "a row of 1 cells under 2 columns");
  }  // destroyed without commit
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_STX_ERROR(TsvWriter((dir.path() / "missing" / "t.tsv").string(), {"a"}), IoError, "missing");
}

}  // namespace
}  // namespace stx
