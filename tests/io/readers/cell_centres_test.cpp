// The cell-centre table of stx predict IMAGE --cells: pixels or µm, ids or none, and errors.
#include "stx/io/readers/cell_centres.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

TEST(CellCentres, PixelsMicronsAndErrors) {
  test::TempDir dir;
  test::write_text(dir / "px.csv", "cell_id,x,y,area\nA,10.5,20,3\nB,30,40.25,4\n");
  const CellCentres px = read_cell_centres(dir / "px.csv", 0.5);
  EXPECT_EQ(px.ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(px.x_px, (std::vector<double>{10.5, 30}));
  EXPECT_EQ(px.y_px, (std::vector<double>{20, 40.25}));
  test::write_text(dir / "um.tsv", "x_centroid\ty_centroid\n5\t10\n1.5\t2\n");
  const CellCentres um = read_cell_centres(dir / "um.tsv", 0.5);  // µm / 0.5 µm per px
  EXPECT_EQ(um.ids, (std::vector<std::string>{"cell_0", "cell_1"}));
  EXPECT_EQ(um.x_px, (std::vector<double>{10, 3}));
  EXPECT_EQ(um.y_px, (std::vector<double>{20, 4}));
  test::write_text(dir / "twice.csv", "id,x,y\nA,1,1\nA,2,2\n");
  EXPECT_STX_ERROR(read_cell_centres(dir / "twice.csv", 1), FormatError, "line 3: cell id 'A' appears twice");
  test::write_text(dir / "short.csv", "x,y\n1\n");
  EXPECT_STX_ERROR(read_cell_centres(dir / "short.csv", 1), FormatError, "line 2: 1 fields, the header has 2");
  test::write_text(dir / "nan.csv", "x,y\n1,abc\n");
  EXPECT_STX_ERROR(read_cell_centres(dir / "nan.csv", 1), FormatError, "nan.csv");
  test::write_text(dir / "empty.csv", "x,y\n");
  EXPECT_STX_ERROR(read_cell_centres(dir / "empty.csv", 1), FormatError, "no cells after the header");
}

}  // namespace
}  // namespace stx
