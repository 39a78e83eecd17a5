// AnnData reading on files anndata itself wrote (squidpy and HEST fixtures, and the small
// csr/csc/dense fixtures), and stx's own write -> read round trip. The round trip through
// python3-anndata is in tests/cli/anndata_roundtrip_test.py.
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

Slide read(const std::string& path, const std::string& obs_x = "", const std::string& obs_y = "") {
  ReadOptions options;
  options.input = path;
  options.obs_x = obs_x;
  options.obs_y = obs_y;
  return read_slide(options);
}

const std::vector<float> kSmallCounts = {0, 1, 0, 3, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0, 0,
                                         1, 1, 1, 1, 1, 0, 5, 0, 0, 2, 9, 0, 4, 0, 0};

TEST(H5adReader, CsrCscAndDenseXGiveTheSameSlide) {
  for (const char* kind : {"csr", "csc", "dense"}) {
    const Slide s = read(test::fixture(std::string("anndata_") + kind + ".h5ad"));
    SCOPED_TRACE(kind);
    EXPECT_EQ(s.counts.to_dense(), kSmallCounts);
    EXPECT_EQ(s.spot_ids, (std::vector<std::string>{"spot0", "spot1", "spot2", "spot3", "spot4", "spot5"}));
    EXPECT_EQ(s.gene_symbols.front(), "GENE_A");
    EXPECT_EQ(s.array_row, (std::vector<int32_t>{0, 0, 0, 1, 1, 1}));
    EXPECT_EQ(s.array_col, (std::vector<int32_t>{0, 1, 2, 0, 1, 2}));
    EXPECT_EQ(s.in_tissue, (std::vector<uint8_t>{1, 1, 0, 1, 1, 1}));
    EXPECT_EQ(s.labels, (std::vector<std::string>{"tumour", "stroma", "", "tumour", "immune", "stroma"}));
    EXPECT_EQ(s.pixel_x, (std::vector<double>{10.5, 30, 50, 10.5, 30, 50}));
    EXPECT_EQ(s.pixel_y, (std::vector<double>{20, 20, 20, 40, 40, 40}));
  }
}

TEST(H5adSlots, AlignedSlotsRoundTripAndAreCheckedAgainstTheSpots) {
  Slide s = read(test::fixture("anndata_csr.h5ad"));  // 6 spots
  s.set_obsm("pathway_activity", 2, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  s.set_obs_flag("pathway_flagged", {0, 0, 1, 0, 0, 0});
  s.uns_strings["pathway_method"] = "rank";
  s.uns_lists["pathway_names"] = {"P1", "P2"};
  s.uns_lists["pathway_control_genes/P1"] = {"GENE_A", "GENE_B"};
  EXPECT_STX_ERROR(s.set_obsm("bad", 2, {1, 2, 3}), ShapeError, "expected 6 spots x 2 columns");
  EXPECT_STX_ERROR(s.set_obs_flag("bad", {1, 0}), ShapeError, "2 values for 6 spots");
  test::TempDir dir;
  write_h5ad(s, dir / "slots.h5ad");
  const Slide back = read(dir / "slots.h5ad");
  ASSERT_NE(back.find_obsm("pathway_activity"), nullptr);
  EXPECT_EQ(back.find_obsm("pathway_activity")->cols, 2);
  EXPECT_EQ(back.find_obsm("pathway_activity")->values, s.obsm.at("pathway_activity").values);
  EXPECT_EQ(back.find_obsm("spatial"), nullptr);  // the coordinates stay pixel_x/pixel_y
  EXPECT_EQ(back.obs_flags.at("pathway_flagged"), (std::vector<uint8_t>{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(back.uns_strings.at("pathway_method"), "rank");
  EXPECT_EQ(back.uns_lists.at("pathway_names"), (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(back.uns_lists.at("pathway_control_genes/P1"), (std::vector<std::string>{"GENE_A", "GENE_B"}));
  Slide misaligned = back;
  misaligned.obsm["pathway_activity"].values.pop_back();
  EXPECT_STX_ERROR(write_h5ad(misaligned, dir / "never.h5ad"), ShapeError, "obsm['pathway_activity']");
}

TEST(H5adReaderOnSharedData, SquidpyVisiumFixture) {
  const Slide s = read(test::shared_data("squidpy_visium_fixture/test_data.h5ad"));
  EXPECT_EQ(s.name, "V1_Adult_Mouse_Brain");
  EXPECT_EQ(s.n_spots(), 49);
  EXPECT_EQ(s.n_genes(), 1999);
  EXPECT_EQ(s.counts.nnz(), 22372);
  EXPECT_EQ(s.spot_ids.front(), "AAATTGCGGCGGTTCT-1");
  EXPECT_EQ(s.gene_symbols.front(), "4732440D04Rik");
  EXPECT_DOUBLE_EQ(s.pixel_x.front(), 337);
  EXPECT_DOUBLE_EQ(s.pixel_y.front(), 439);
  EXPECT_NEAR(s.counts.row_sums().front(), 611.4084203243256, 1e-9);  // numpy, float64 sum
  EXPECT_NEAR(s.um_per_px, 65.0 / 89.44476048022638, 1e-12);
}

TEST(H5adReaderOnSharedData, XeniumDenseIntegerXWithObsCoordinates) {
  const std::string path = test::shared_data("xenium_lung_NCBI858/NCBI858.h5ad");
  // HEST stores x_pixel as the image ROW: the user maps columns explicitly.
  const Slide s = read(path, "y_pixel", "x_pixel");
  EXPECT_EQ(s.n_spots(), 200);
  EXPECT_EQ(s.n_genes(), 338);
  EXPECT_EQ(s.counts.nnz(), 13830);
  EXPECT_DOUBLE_EQ(std::accumulate(s.counts.data.begin(), s.counts.data.end(), 0.0), 45623.0);  // every count
  EXPECT_EQ(s.spot_ids.front(), "aaaaaomh-1");
  EXPECT_NEAR(s.pixel_x.front(), 999.4452143522637, 1e-9);
  EXPECT_NEAR(s.pixel_y.front(), 536.3664381281351, 1e-9);
  const Slide without = read(path);
  EXPECT_FALSE(without.has_coordinates());
  ASSERT_FALSE(without.notes.empty());
  EXPECT_NE(without.notes.back().find("--obs-x"), std::string::npos);
}

TEST(H5adWriterOnSharedData, RoundTripKeepsEverything) {
  ReadOptions options;
  options.input = test::shared_data("her2st");
  options.section = "C5";
  Slide original = read_slide(options);
  original.labels.assign(original.spot_ids.size(), "tumour");
  original.labels[3] = "stroma";
  test::TempDir dir;
  write_h5ad(original, dir / "C5.h5ad");
  const Slide back = read(dir / "C5.h5ad");
  EXPECT_EQ(back.name, "C5");
  test::expect_same_slide(back, original);
  ASSERT_NE(back.image, nullptr);  // the image path is recorded in uns['stx']
  EXPECT_EQ(back.image->width(), original.image->width());
}

TEST(H5adWriter, RefusesToWriteIntoAMissingFolderAndLeavesNothing) {
  const Slide s = read(test::fixture("anndata_csr.h5ad"));
  test::TempDir dir;
  EXPECT_STX_ERROR(write_h5ad(s, dir / "missing/out.h5ad"), IoError, "does not exist");
  write_h5ad(s, dir / "out.h5ad");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u) << "the temporary file must be gone after commit";
}

// anndata cannot read strings that are not UTF-8: such a file is never written.
TEST(H5adWriter, RefusesTextThatIsNotUtf8) {
  Slide s = read(test::fixture("anndata_csr.h5ad"));
  s.spot_ids[2] = "spot\xe9";  // Latin-1
  test::TempDir dir;
  EXPECT_STX_ERROR(write_h5ad(s, dir / "latin.h5ad"), FormatError, "is not UTF-8 (byte 5); anndata could not read it");
  EXPECT_FALSE(std::filesystem::exists(dir / "latin.h5ad"));
}

}  // namespace
}  // namespace stx
