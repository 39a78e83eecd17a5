// Highly variable genes. Golden values from numpy on the same dense matrix:
// x.var(0) = [0.2222, 0.8889, 5.5556, 1.5556], (x > 0).mean(0) = [1/3, 2/3, 1/3, 2/3].
#include "stx/expression/highly_variable.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

// [[0 2 0 1] [1 0 0 3] [0 2 5 0]]
CsrMatrix example() { return test::csr_rows(4, {{{1, 3}, {2, 1}}, {{0, 3}, {1, 3}}, {{1, 2}, {2, 5}}}); }

TEST(HighlyVariableGenes, RankByPopulationVarianceAsNumpy) {
  GeneMoments moments(4);
  moments.add(example());
  EXPECT_NEAR(moments.variance(0), 0.22222222, 1e-8);
  EXPECT_NEAR(moments.variance(2), 5.55555556, 1e-8);
  EXPECT_EQ(highly_variable_genes(moments, 3), (std::vector<int64_t>{2, 3, 1}));
  // detected in at least half the rows: genes 1 and 3
  EXPECT_EQ(highly_variable_genes(moments, 10, 0.5), (std::vector<int64_t>{3, 1}));
}

TEST(HighlyVariableGenes, PoolsSlidesThroughAColumnMapping) {
  GeneMoments pooled(2);  // gene 0 = column 2, gene 1 = column 0; columns 1 and 3 skipped
  const std::vector<int64_t> gene_of_column = {1, -1, 0, -1};
  pooled.add(example(), gene_of_column);
  pooled.add(example(), gene_of_column);  // the same rows twice: the same variance
  EXPECT_NEAR(pooled.variance(0), 5.55555556, 1e-8);
  EXPECT_NEAR(pooled.variance(1), 0.22222222, 1e-8);
  EXPECT_EQ(pooled.rows(), 6);
  EXPECT_STX_ERROR(pooled.add(example(), {0, 1}), ShapeError, "mapping of 2 columns");
}

}  // namespace
}  // namespace stx
