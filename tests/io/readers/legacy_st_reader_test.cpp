// Legacy ST on the real HER2ST files. Golden numbers were computed independently with
// Python's csv/gzip and numpy.polyfit over the same tables (see tests/cli for the per-section
// cross-check of all 34 sections).
#include <algorithm>
#include <fstream>
#include <map>

#include "stx/core/text_lines.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

Slide read_section(const std::string& section) {
  ReadOptions options;
  options.input = test::shared_data("her2st");
  options.section = section;
  return read_slide(options);
}

int64_t gene_index(const Slide& slide, const std::string& symbol) {
  const auto it = std::find(slide.gene_symbols.begin(), slide.gene_symbols.end(), symbol);
  return it == slide.gene_symbols.end() ? -1 : it - slide.gene_symbols.begin();
}

double column_sum(const Slide& slide, int64_t gene) {
  double sum = 0;
  for (int64_t k = 0; k < slide.counts.nnz(); ++k)
    if (slide.counts.indices[k] == gene) sum += slide.counts.data[k];
  return sum;
}

TEST(LegacyStReaderOnSharedData, C2MatchesIndependentParse) {
  const Slide s = read_section("C2");
  EXPECT_EQ(s.name, "C2");
  EXPECT_EQ(s.n_spots(), 187);
  EXPECT_EQ(s.n_genes(), 15706);
  EXPECT_EQ(s.counts.nnz(), 708716);
  const auto sums = s.counts.row_sums();
  double total = 0;
  for (double v : sums) total += v;
  EXPECT_DOUBLE_EQ(total, 1926633.0);
  EXPECT_EQ(s.spot_ids.front(), "10x21");
  EXPECT_EQ(s.spot_ids.back(), "9x23");
  EXPECT_DOUBLE_EQ(sums.front(), 1517.0);
  EXPECT_EQ(gene_index(s, "ERBB2"), 6380);
  EXPECT_DOUBLE_EQ(column_sum(s, 6380), 18240.0);
  // Array position (x, y) = (10, 21); pixels from the selection table.
  EXPECT_EQ(s.array_col.front(), 10);
  EXPECT_EQ(s.array_row.front(), 21);
  EXPECT_DOUBLE_EQ(s.pixel_x.front(), 2545.13);
  EXPECT_DOUBLE_EQ(s.pixel_y.front(), 5822.13);
  EXPECT_NEAR(s.um_per_px, 0.6880980086, 1e-9);  // numpy.polyfit on new_x/new_y vs pixels
  ASSERT_NE(s.image, nullptr);
  EXPECT_EQ(s.image->width(), 9274);
  EXPECT_EQ(s.image->height(), 9911);
  EXPECT_TRUE(s.notes.size() == 1) << "only the µm/px note expected";
}

TEST(LegacyStReaderOnSharedData, C3ReportsSelectedSpotsWithoutCounts) {
  const Slide s = read_section("C3");
  EXPECT_EQ(s.n_spots(), 180);
  EXPECT_EQ(s.n_genes(), 15821);
  EXPECT_NEAR(s.um_per_px, 0.6873763764, 1e-9);
  EXPECT_TRUE(test::noted(s, "2 selected spot(s)"));
}

TEST(LegacyStReaderOnSharedData, CountsFileWithExplicitTablesEqualsDatasetFolder) {
  ReadOptions by_file;
  by_file.input = test::shared_data("her2st/counts/C4.tsv.gz");
  by_file.spots_path = test::shared_data("her2st/spots/C4_selection.tsv");
  const Slide a = read_slide(by_file);
  const Slide b = read_section("C4");
  EXPECT_EQ(a.name, "C4");
  EXPECT_EQ(a.spot_ids, b.spot_ids);
  EXPECT_EQ(a.counts.data, b.counts.data);
  EXPECT_EQ(a.counts.indices, b.counts.indices);
  EXPECT_EQ(a.pixel_x, b.pixel_x);
  ASSERT_NE(a.image, nullptr);  // found by convention in ../images
  EXPECT_EQ(a.image->path(), b.image->path());
}

TEST(LegacyStReaderOnSharedData, DemoBundleKeepsCountsAndShiftsPixels) {
  ReadOptions demo;
  demo.input = std::string(test::kDemoDir) + "/her2st";
  demo.section = "C2";
  demo.require_image = true;
  const Slide cropped = read_slide(demo);
  const Slide full = read_section("C2");
  EXPECT_EQ(cropped.spot_ids, full.spot_ids);
  EXPECT_EQ(cropped.counts.data, full.counts.data);
  // The crop removed a constant offset (2013, 3210) and kept the scale.
  for (int64_t i = 0; i < full.n_spots(); ++i) {
    EXPECT_NEAR(full.pixel_x[i] - cropped.pixel_x[i], 2013.0, 0.006);
    EXPECT_NEAR(full.pixel_y[i] - cropped.pixel_y[i], 3210.0, 0.006);
  }
  EXPECT_NEAR(cropped.um_per_px, full.um_per_px, 1e-6);
}

// pixel_x and pixel_y swapped in the spot table (or an image turned by 90 degrees): the scale
// is fitted on the axes that match, as for the table as published, and a warning says so
// (#32: µm/px had come out 2.386 without a word).
TEST(LegacyStReaderOnSharedData, SwappedPixelColumnsKeepTheScaleAndWarn) {
  test::TempDir dir;
  {
    TextLines in(test::shared_data("her2st/spots/C2_selection.tsv"));
    std::ofstream out(dir / "C2_selection.tsv");
    std::string line;
    in.next(line);
    out << line << "\n";      // x y new_x new_y pixel_x pixel_y selected
    while (in.next(line)) {  // the values swapped under the header
      auto f = split_fields(line, '\t');
      std::swap(f[4], f[5]);
      for (size_t i = 0; i < f.size(); ++i) out << f[i] << (i + 1 < f.size() ? "\t" : "\n");
    }
  }
  ReadOptions options;
  options.input = test::shared_data("her2st/counts/C2.tsv.gz");
  options.spots_path = dir / "C2_selection.tsv";
  const Slide swapped = read_slide(options);
  EXPECT_NEAR(swapped.um_per_px, 0.6880980086, 1e-9);
  ASSERT_EQ(swapped.warnings.size(), 1u);
  EXPECT_NE(swapped.warnings[0].find("pixel_x follows the array's y"), std::string::npos) << swapped.warnings[0];
  EXPECT_TRUE(read_section("C2").warnings.empty());
}

TEST(LegacyStReaderOnSharedData, MissingSectionListsTheChoices) {
  ReadOptions options;
  options.input = test::shared_data("her2st");
  EXPECT_STX_ERROR(read_slide(options), ConfigError, "choose one with --section (one of: A1, A2");
  options.section = "Z9";
  EXPECT_STX_ERROR(read_slide(options), ConfigError, "no section 'Z9'");
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

TEST(SpotLabelsOnSharedData, PathologistLabelsJoinOnArrayPosition) {
  ReadOptions options;
  options.input = test::shared_data("her2st");
  options.section = "G2";  // labels found by convention in pathologist_labels/
  const Slide s = read_slide(options);
  ASSERT_EQ(s.labels.size(), 467u);
  EXPECT_EQ(s.spot_ids.front(), "10x10");
  EXPECT_EQ(s.labels.front(), "adipose tissue");
  std::map<std::string, int> per_class;
  for (const auto& label : s.labels) ++per_class[label];
  // Counted independently in Python over the same files.
  const std::map<std::string, int> expected = {
      {"invasive cancer", 140}, {"connective tissue", 110}, {"adipose tissue", 98},
      {"undetermined", 65},     {"cancer in situ", 20},     {"immune infiltrate", 17},
      {"breast glands", 17}};
  EXPECT_EQ(per_class, expected);
  EXPECT_TRUE(test::noted(s, "8 row(s) with NA coordinates skipped"));
}

TEST(SpotLabelsOnSharedData, SpotIdTableAndItsErrors) {
  ReadOptions options;
  options.input = test::shared_data("visium_spaceranger_v1_fixture");
  test::TempDir dir;
  test::write_text(dir / "loupe.csv",
                   "Barcode,Cluster\r\nAAACAAGTATCTCCCA-1,Cluster 1\r\nNOT-A-BARCODE,Cluster 2\r\n");
  options.labels_path = dir / "loupe.csv";
  const Slide s = read_slide(options);
  EXPECT_EQ(s.labels.front(), "Cluster 1");
  EXPECT_EQ(std::count(s.labels.begin(), s.labels.end(), ""), 99);
  EXPECT_NE(s.notes.back().find("1 row(s) match no spot"), std::string::npos);

  test::write_text(dir / "none.csv", "Barcode,Cluster\nNOT-A-BARCODE,Cluster 2\n");
  options.labels_path = dir / "none.csv";
  EXPECT_STX_ERROR(read_slide(options), FormatError, "none.csv: no row matches a spot");
  test::write_text(dir / "twice.csv",
                   "Barcode,Cluster\nAAACAAGTATCTCCCA-1,A\nAAACAAGTATCTCCCA-1,B\n");
  options.labels_path = dir / "twice.csv";
  EXPECT_STX_ERROR(read_slide(options), FormatError, "line 3: a second label for spot");
}

}  // namespace
}  // namespace stx
