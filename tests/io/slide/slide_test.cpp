// The Slide as the one container of the spot axis (#31 item 1): choosing spots carries every
// aligned slot with them, and files that name spots meet the slide through rows_of_spots.
#include "stx/io/slide/slide.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

// Three spots a, b, c with counts [[1 0] [0 2] [3 4]], every per-spot slot filled.
Slide three_spots() {
  Slide s;
  s.name = "S1";
  s.um_per_px = 0.5;
  s.spot_ids = {"a", "b", "c"};
  s.array_row = {0, 1, 2};
  s.array_col = {5, 6, 7};
  s.pixel_x = {10, 20, 30};
  s.pixel_y = {11, 21, 31};
  s.in_tissue = {1, 0, 1};
  s.labels = {"tumour", "stroma", "fat"};
  s.counts = test::csr_rows(2, {{{0}, {1}}, {{1}, {2}}, {{0, 1}, {3, 4}}});
  s.gene_symbols = {"G1", "G2"};
  s.set_obsm("pathway_activity", 2, {1, -1, 2, -2, 3, -3});
  s.set_obs_flag("pathway_flagged", {0, 1, 0});
  s.uns_lists["pathway_names"] = {"P1", "P2"};
  s.validate();
  return s;
}

TEST(Slide, SelectSpotsCarriesEveryAlignedSlot) {
  const Slide picked = three_spots().select_spots({2, 0});
  EXPECT_NO_THROW(picked.validate());
  EXPECT_EQ(picked.name, "S1");
  EXPECT_EQ(picked.um_per_px, 0.5);
  EXPECT_EQ(picked.spot_ids, (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(picked.array_row, (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(picked.array_col, (std::vector<int32_t>{7, 5}));
  EXPECT_EQ(picked.pixel_x, (std::vector<double>{30, 10}));
  EXPECT_EQ(picked.pixel_y, (std::vector<double>{31, 11}));
  EXPECT_EQ(picked.in_tissue, (std::vector<uint8_t>{1, 1}));
  EXPECT_EQ(picked.labels, (std::vector<std::string>{"fat", "tumour"}));
  EXPECT_EQ(picked.counts.to_dense(), (std::vector<float>{3, 4, 1, 0}));
  EXPECT_EQ(picked.gene_symbols, (std::vector<std::string>{"G1", "G2"}));
  EXPECT_EQ(picked.find_obsm("pathway_activity")->values, (std::vector<float>{3, -3, 1, -1}));
  EXPECT_EQ(picked.obs_flags.at("pathway_flagged"), (std::vector<uint8_t>{0, 0}));
  EXPECT_EQ(picked.uns_lists.at("pathway_names"), (std::vector<std::string>{"P1", "P2"}));
}

TEST(Slide, SelectSpotsWithoutExpressionKeepsTheAxisOnly) {
  const Slide view = three_spots().select_spots({1}, /*expression=*/false);
  EXPECT_NO_THROW(view.validate());
  EXPECT_EQ(view.spot_ids, (std::vector<std::string>{"b"}));
  EXPECT_EQ(view.counts.n_rows, 1);
  EXPECT_EQ(view.counts.nnz(), 0);
  EXPECT_EQ(view.n_genes(), 0);
  EXPECT_STX_ERROR(three_spots().select_spots({3}), ShapeError, "spot row 3 of 3 spots");
  EXPECT_STX_ERROR(three_spots().select_spots({-1}), ShapeError, "spot row -1");
}

TEST(Slide, RowsOfSpotsIsTheJoinBySpotId) {
  EXPECT_EQ(three_spots().rows_of_spots({"c", "x", "a", "c"}), (std::vector<int64_t>{2, -1, 0, 2}));
  EXPECT_TRUE(three_spots().rows_of_spots({}).empty());
}

}  // namespace
}  // namespace stx
