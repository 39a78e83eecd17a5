// Every kind of bad input named in the foundation issue gives the right error family and a
// message that names the file and what was wrong. Inputs are a tiny hand-written legacy ST
// section (3 spots x 3 genes) broken one way at a time, and truncated copies of real files.
#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include "stx/core/text_lines.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

const char* kCounts = "\tGENE_A\tGENE_B\tGENE_C\n1x1\t0\t3\t1\n2x1\t5\t0\t0\n1x2\t2\t2\t2\n";
const char* kSpots =
    "x\ty\tnew_x\tnew_y\tpixel_x\tpixel_y\tselected\n"
    "1\t1\t1\t1\t100\t100\t1\n2\t1\t2\t1\t390\t100\t1\n1\t2\t1\t2\t100\t390\t1\n";

// A section folder in the HER2ST layout; `counts`/`spots` replace the good tables.
struct TinySection {
  test::TempDir dir;
  ReadOptions options;
  explicit TinySection(const std::string& counts = kCounts, const std::string& spots = kSpots,
                       int image_px = 600) {
    for (const char* sub : {"counts", "spots", "images"})
      std::filesystem::create_directories(dir.path() / sub);
    test::write_text(dir / "counts/S1.tsv", counts);
    test::write_text(dir / "spots/S1_selection.tsv", spots);
    if (image_px > 0)
      cv::imwrite(dir / "images/S1.png", cv::Mat(image_px, image_px, CV_8UC3, cv::Scalar(200, 150, 200)));
    options.input = dir.path().string();
    options.section = "S1";
  }
};

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(BadInput, TheTinySectionItselfIsGood) {
  TinySection good;
  const Slide s = read_slide(good.options);
  EXPECT_EQ(s.n_spots(), 3);
  EXPECT_EQ(s.counts.to_dense(), (std::vector<float>{0, 3, 1, 5, 0, 0, 2, 2, 2}));
  EXPECT_NEAR(s.um_per_px, 200.0 / 290.0, 1e-12);
}

// A gene named twice (#32: the first column won without a word): the two are summed, by hand
// 0+1, 5+0, 2+2, and a note names the gene.
TEST(BadInput, DuplicateGeneNamesAreSummedWithANote) {
  TinySection t(replace(kCounts, "GENE_C", "GENE_A"));
  const Slide s = read_slide(t.options);
  EXPECT_EQ(s.gene_symbols, (std::vector<std::string>{"GENE_A", "GENE_B"}));
  EXPECT_EQ(s.counts.to_dense(), (std::vector<float>{1, 3, 5, 0, 4, 2}));
  ASSERT_FALSE(s.notes.empty());
  EXPECT_NE(s.notes.back().find("1 gene name(s) appear more than once (GENE_A): their counts are summed"),
            std::string::npos) << s.notes.back();
}

// The counts table broken one way at a time: each a FormatError naming the line and the fault.
TEST(BadInput, BrokenCountsTables) {
  const struct {
    const char* what;
    const char* from;
    const char* to;
    const char* error;
  } cases[] = {
      {"a word for a count", "5\t0", "five\t0", "S1.tsv: line 3, column 'GENE_A': expected a number, found 'five'"},
      {"a negative count", "5\t0", "-5\t0", "line 3, column 'GENE_A': expected a non-negative finite count, found -5"},
      {"NaN for a count", "5\t0", "NaN\t0", "expected a non-negative finite count"},
      {"a ragged row", "5\t0\t0", "5\t0", "line 3: expected 4 tab-separated fields (spot id + 3 genes), found 3"},
      {"a row of no spot", "2x1", "7x7", "line 3: counts row '7x7' matches no selected spot"},
      {"a spot twice", "2x1", "1x1", "duplicate spot '1x1'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    TinySection t(replace(kCounts, c.from, c.to));
    EXPECT_STX_ERROR(read_slide(t.options), FormatError, c.error);
  }
}

TEST(BadInput, MissingColumnListsWhatWasFound) {
  TinySection t(kCounts, replace(kSpots, "pixel_x", "px"));
  EXPECT_STX_ERROR(read_slide(t.options), FormatError,
                   "S1_selection.tsv: missing column 'pixel_x' (found: x, y, new_x, new_y, px, "
                   "pixel_y, selected)");
}

TEST(BadInput, MissingImage) {
  TinySection t(kCounts, kSpots, /*image_px=*/0);
  t.options.require_image = true;
  EXPECT_STX_ERROR(read_slide(t.options), IoError, "no H&E image found; a dataset folder holds a section's as images/SECTION.jpg");
  t.options.image_path = t.dir / "images/absent.jpg";
  EXPECT_STX_ERROR(read_slide(t.options), IoError, "absent.jpg: image file not found");
}

TEST(BadInput, CoordinatesOutsideTheImage) {
  TinySection t(kCounts, kSpots, /*image_px=*/300);  // spots at 390 px fall off
  EXPECT_STX_ERROR(read_slide(t.options), FormatError,
                   "2 of 3 spots lie outside the image");
}

TEST(BadInput, MissingSpotTable) {
  TinySection t;
  std::filesystem::remove(t.dir / "spots/S1_selection.tsv");
  EXPECT_STX_ERROR(read_slide(t.options), IoError,
                   "no spot selection table found for section 'S1'");
}

TEST(BadInputOnSharedData, TruncatedGzip) {
  test::TempDir dir;
  const std::string whole = test::read_text(test::shared_data("her2st/counts/C2.tsv.gz"));
  test::write_text(dir / "C2.tsv.gz", whole.substr(0, whole.size() / 2));
  ReadOptions options;
  options.input = dir / "C2.tsv.gz";
  options.spots_path = test::shared_data("her2st/spots/C2_selection.tsv");
  EXPECT_STX_ERROR(read_slide(options), FormatError, "corrupt or truncated compressed data");
}

TEST(BadInputOnSharedData, TruncatedH5) {
  test::TempDir dir;
  const std::string whole = test::read_text(
      test::shared_data("visium_spaceranger_v1_fixture/filtered_feature_bc_matrix.h5"));
  test::write_text(dir / "cut.h5", whole.substr(0, whole.size() / 2));
  ReadOptions options;
  options.input = dir / "cut.h5";
  options.format = InputFormat::kTenxH5;
  EXPECT_STX_ERROR(read_slide(options), FormatError, "cut.h5");
}

// Found by fuzz_h5: two bytes changed in a good .h5ad (a string's global-heap reference) make
// Debian 12's HDF5 1.10.8 segfault inside H5HG_read while it reads X's encoding-type
// attribute. The read is first tried in a child process, so the damage is an error.
TEST(BadInput, Hdf5FileThatCrashesTheHdf5LibraryIsAnError) {
  test::TempDir dir;
  std::string bytes = test::read_text(test::fixture("anndata_csc.h5ad"));
  ASSERT_EQ(bytes.size(), 28920u);
  ASSERT_EQ(bytes[2125], '\0');
  ASSERT_EQ(bytes[2356], '\x34');
  bytes[2125] = '\x40';
  bytes[2356] = '\x32';
  test::write_text(dir / "damaged.h5ad", bytes);
  ReadOptions options;
  options.input = dir / "damaged.h5ad";
  EXPECT_STX_ERROR(read_slide(options), FormatError,
                   "damaged.h5ad: damaged file: reading it crashed the HDF5 library (signal ");
  // a good copy goes through the same guard unharmed
  options.input = test::fixture("anndata_csc.h5ad");
  EXPECT_EQ(read_slide(options).n_spots(), 6);
}

TEST(BadInput, NotHdf5AtAll) {
  test::TempDir dir;
  test::write_text(dir / "x.h5ad", "plain text");
  ReadOptions options;
  options.input = dir / "x.h5ad";
  EXPECT_STX_ERROR(read_slide(options), FormatError, "x.h5ad: not an HDF5 file");
}

TEST(BadInput, SpaceRangerBarcodeWithoutPosition) {
  test::TempDir dir;
  std::filesystem::copy(test::fixture("spaceranger_mtx"), dir.path(),
                        std::filesystem::copy_options::recursive);
  const std::string positions = dir / "spatial/tissue_positions.csv";
  std::string text = test::read_text(positions);
  text = text.substr(0, text.rfind('\n', text.size() - 2) + 1);  // drop the last row
  test::write_text(positions, text);
  ReadOptions options;
  options.input = dir.path().string();
  EXPECT_STX_ERROR(read_slide(options), FormatError, "has no row in");
}

// A MatrixMarket header that claims 10^15 entries is refused, not reserved (was exit 3).
TEST(BadInput, MatrixMarketHeaderWithAbsurdEntryCount) {
  test::TempDir dir;
  std::filesystem::copy(test::fixture("spaceranger_mtx"), dir.path(), std::filesystem::copy_options::recursive);
  const std::string mtx = dir / "filtered_feature_bc_matrix/matrix.mtx.gz";
  std::string text;
  {
    TextLines lines(mtx);
    bool size_line = false;
    for (std::string line; lines.next(line);) {
      if (!size_line && !line.empty() && line[0] != '%') {
        line = line.substr(0, line.rfind(' ')) + " 999999999999999";
        size_line = true;
      }
      text += line + "\n";
    }
  }
  gzFile out = gzopen(mtx.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);
  ReadOptions options;
  options.input = dir.path().string();
  EXPECT_STX_ERROR(read_slide(options), FormatError, "999999999999999 entries for a");
}

TEST(BadInput, UnknownFormatName) {
  EXPECT_STX_ERROR(parse_input_format("visium"), ConfigError,
                   "choose auto, legacy-st, spaceranger, h5ad, 10x-h5");
}

}  // namespace
}  // namespace stx
