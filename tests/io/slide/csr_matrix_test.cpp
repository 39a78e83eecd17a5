#include "stx/io/slide/csr_matrix.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

// The 3 x 4 matrix [[1 0 2 0] [0 0 0 0] [0 3 0 4]] built row by row.
CsrMatrix example() { return test::csr_rows(4, {{{0, 2}, {1, 2}}, {{}, {}}, {{1, 3}, {3, 4}}}); }

TEST(CsrMatrix, AppendBuildsTheExpectedArrays) {
  const CsrMatrix m = example();
  EXPECT_EQ(m.n_rows, 3);
  EXPECT_EQ(m.indptr, (std::vector<int64_t>{0, 2, 2, 4}));
  EXPECT_EQ(m.to_dense(), (std::vector<float>{1, 0, 2, 0, 0, 0, 0, 0, 0, 3, 0, 4}));
  EXPECT_NO_THROW(m.validate("example"));
}

TEST(CsrMatrix, Reductions) {
  const CsrMatrix m = example();
  EXPECT_EQ(m.row_sums(), (std::vector<double>{3, 0, 7}));
  EXPECT_EQ(m.row_nonzeros(), (std::vector<int64_t>{2, 0, 2}));
  EXPECT_EQ(m.col_nonzeros(), (std::vector<int64_t>{1, 1, 1, 1}));
}

TEST(CsrMatrix, SelectRowsReordersAndRepeats) {
  const CsrMatrix picked = example().select_rows({2, 0, 2});
  EXPECT_EQ(picked.to_dense(),
            (std::vector<float>{0, 3, 0, 4, 1, 0, 2, 0, 0, 3, 0, 4}));
  EXPECT_STX_ERROR(example().select_rows({3}), ShapeError, "row 3 outside");
}

TEST(CsrMatrix, ValidateRejectsBrokenStructure) {
  CsrMatrix unsorted = example();
  std::swap(unsorted.indices[0], unsorted.indices[1]);
  EXPECT_STX_ERROR(unsorted.validate("m"), ShapeError, "not strictly ascending");
  CsrMatrix out_of_range = example();
  out_of_range.indices[3] = 4;
  EXPECT_STX_ERROR(out_of_range.validate("m"), ShapeError, "outside [0, 4)");
  CsrMatrix short_indptr = example();
  short_indptr.indptr.pop_back();
  EXPECT_STX_ERROR(short_indptr.validate("m"), ShapeError, "indptr has 3 entries");
}

}  // namespace
}  // namespace stx
