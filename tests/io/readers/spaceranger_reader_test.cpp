// Space Ranger output folders on the real 1.0.0 fixture, and the equivalence of its h5 and
// MatrixMarket forms (tests/fixtures/make_fixtures.py writes the latter from the former).
#include "stx/io/readers/read_slide.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

Slide read(const std::string& path) {
  ReadOptions options;
  options.input = path;
  return read_slide(options);
}

TEST(SpaceRangerReaderOnSharedData, V1FixtureFromH5) {
  const Slide s = read(test::shared_data("visium_spaceranger_v1_fixture"));
  EXPECT_EQ(s.source_format, "spaceranger");
  EXPECT_EQ(s.n_spots(), 100);
  EXPECT_EQ(s.n_genes(), 100);
  EXPECT_EQ(s.counts.nnz(), 656);
  EXPECT_DOUBLE_EQ(std::accumulate(s.counts.data.begin(), s.counts.data.end(), 0.0), 932.0);  // every count
  EXPECT_EQ(s.spot_ids.front(), "AAACAAGTATCTCCCA-1");
  EXPECT_EQ(s.gene_ids.front(), "ENSG00000243485");
  // tissue_positions_list.csv: AAACAAGTATCTCCCA-1,1,50,102,8513,9811 (row, col order).
  EXPECT_EQ(s.in_tissue.front(), 1);
  EXPECT_EQ(s.array_row.front(), 50);
  EXPECT_EQ(s.array_col.front(), 102);
  EXPECT_DOUBLE_EQ(s.pixel_y.front(), 8513);
  EXPECT_DOUBLE_EQ(s.pixel_x.front(), 9811);
  EXPECT_NEAR(s.um_per_px, 65.0 / 89.42751063343188, 1e-12);
  ASSERT_NE(s.image, nullptr);  // hires PNG (2000 px) scaled to full resolution
  EXPECT_EQ(s.image->width(), 13332);  // round(2000 / 0.150015)
}

TEST(SpaceRangerReaderOnSharedData, MtxFolderAndV2PositionsEqualH5AndV1) {
  const Slide h5 = read(test::shared_data("visium_spaceranger_v1_fixture"));
  const Slide mtx = read(test::fixture("spaceranger_mtx"));
  test::expect_same_slide(mtx, h5);
}

TEST(SpaceRangerReaderOnSharedData, BareProbeMatrixH5) {
  const Slide s = read(test::shared_data("visium_spaceranger_v2_raw_probe_bc_matrix.h5"));
  EXPECT_EQ(s.source_format, "10x-h5");
  EXPECT_EQ(s.n_spots(), 4987);
  EXPECT_EQ(s.n_genes(), 1000);
  EXPECT_EQ(s.counts.nnz(), 858);
  EXPECT_FALSE(s.has_coordinates());
}

TEST(SpaceRangerReaderOnSharedData, DetectsFormatsFromStructure) {
  EXPECT_EQ(detect_format(test::shared_data("visium_spaceranger_v1_fixture")),
            InputFormat::kSpaceRanger);
  EXPECT_EQ(detect_format(test::shared_data("visium_spaceranger_v2_raw_probe_bc_matrix.h5")),
            InputFormat::kTenxH5);
  EXPECT_EQ(detect_format(test::shared_data("squidpy_visium_fixture/test_data.h5ad")),
            InputFormat::kH5ad);
  EXPECT_EQ(detect_format(test::shared_data("her2st")), InputFormat::kLegacySt);
  EXPECT_EQ(detect_format(test::shared_data("her2st/counts/C2.tsv.gz")), InputFormat::kLegacySt);
  EXPECT_STX_ERROR(detect_format(test::shared_data("genesets")), FormatError,
                   "unrecognised folder");
}

}  // namespace
}  // namespace stx
