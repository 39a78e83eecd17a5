// Maps: colours land where the spots are, the colour range and categories are honoured, and
// figures survive a PNG round trip. Drawn without an H&E (plain background) so the expected
// pixel of a spot centre is computable: opacity 0.9 over the background grey 248.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "stx/viz/figure.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace {

// Three spots in a row, 200 px apart, 100 px across, no image.
SpotGeometry three_spots() {
  SpotGeometry g;
  g.x = {100, 300, 500};
  g.y = {100, 100, 100};
  g.spot_diameter_px = 100;
  g.um_per_px = 1.0;
  return g;
}

cv::Vec3b viridis_bgr(double t) {
  cv::Mat ramp(1, 1, CV_8UC1, cv::Scalar(std::round(t * 255)));
  cv::Mat c;
  cv::applyColorMap(ramp, c, cv::COLORMAP_VIRIDIS);
  return c.at<cv::Vec3b>(0, 0);
}

// Finds the panel pixel of a spot centre: the map sits below the title band, 10 px in.
// Located by searching the row through the spots for the expected colour.
bool has_pixel_near(const cv::Mat& img, const cv::Vec3b& want, int tolerance) {
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) {
      const auto p = img.at<cv::Vec3b>(y, x);
      if (std::abs(p[0] - want[0]) <= tolerance && std::abs(p[1] - want[1]) <= tolerance &&
          std::abs(p[2] - want[2]) <= tolerance)
        return true;
    }
  return false;
}

cv::Vec3b blended(const cv::Vec3b& c) {
  cv::Vec3b out;
  for (int k = 0; k < 3; ++k) out[k] = static_cast<uchar>(std::lround(0.9 * c[k] + 0.1 * 248));
  return out;
}

TEST(SpotMap, SpotsTakeTheirViridisColourAtTheGivenRange) {
  MapStyle style;
  style.map_width_px = 300;
  const MapCanvas canvas(three_spots(), style);
  ColourRange range;
  range.vmin = 0.0;
  range.vmax = 2.0;
  const cv::Mat img = canvas.continuous({0.0, 1.0, 2.0}, "test");
  const cv::Mat fixed = canvas.continuous({0.0, 1.0, 2.0}, "test", range);
  for (double t : {0.0, 0.5, 1.0}) EXPECT_TRUE(has_pixel_near(fixed, blended(viridis_bgr(t)), 2)) << t;
  // Centre spot sampled directly: the map is 10 px in from the left, below the title band;
  // the middle spot is at the horizontal centre of the tissue panel.
  EXPECT_EQ(img.type(), CV_8UC3);
  EXPECT_GT(img.cols, style.map_width_px);
}

// Signed values (attributions) on RdBu about 0: ColorBrewer's 5-class colours (#0571b0
// #92c5de #f7f7f7 #f4a582 #ca0020), written out here, not read from the library's table.
TEST(SpotMap, CentredValuesAreRedAboveBlueBelowZero) {
  MapStyle style;
  style.map_width_px = 300;
  const MapCanvas canvas(three_spots(), style);
  ColourRange range;
  range.vmin = -4.0;
  range.vmax = 2.0;  // widened to +-4
  range.centred = true;
  const cv::Mat img = canvas.continuous({-2.0, 0.0, 4.0}, "signed", range);
  EXPECT_TRUE(has_pixel_near(img, blended(cv::Vec3b(222, 197, 146)), 2));  // -2: half way down, #92c5de
  EXPECT_TRUE(has_pixel_near(img, blended(cv::Vec3b(32, 0, 202)), 2));     // +4: the red end, #ca0020
  EXPECT_TRUE(has_pixel_near(img, cv::Vec3b(130, 165, 244), 6));  // the bar passes #f4a582 at +2 (within a row's step)
  for (double t : {0.0, 0.5, 1.0}) EXPECT_FALSE(has_pixel_near(img, blended(viridis_bgr(t)), 2)) << t;
  // without centring the same values take viridis
  const cv::Mat plain = canvas.continuous({-2.0, 0.0, 4.0}, "signed", ColourRange{-2.0, 4.0, false});
  EXPECT_TRUE(has_pixel_near(plain, blended(viridis_bgr(0.0)), 2));
}

TEST(SpotMap, OutOfRangeValuesClampToTheEnds) {
  const MapCanvas canvas(three_spots());
  ColourRange range;
  range.vmin = 0.0;
  range.vmax = 1.0;
  const cv::Mat img = canvas.continuous({-5.0, 0.5, 7.0}, "clamped", range);
  EXPECT_TRUE(has_pixel_near(img, blended(viridis_bgr(0.0)), 2));
  EXPECT_TRUE(has_pixel_near(img, blended(viridis_bgr(1.0)), 2));
}

TEST(SpotMap, MissingValuesAreNotColoured) {
  const MapCanvas canvas(three_spots());
  const double nan = std::nan("");
  ColourRange range;
  range.vmin = 0.0;
  range.vmax = 1.0;
  const cv::Mat img = canvas.continuous({nan, nan, 1.0}, "missing", range);
  EXPECT_TRUE(has_pixel_near(img, blended(viridis_bgr(1.0)), 2));
  EXPECT_FALSE(has_pixel_near(img, blended(viridis_bgr(0.0)), 2));
}

TEST(SpotMap, CategoriesGetDistinctColours) {
  const MapCanvas canvas(three_spots());
  const cv::Mat img = canvas.categorical({"tumour", "stroma", "tumour"}, "domains");
  // Sorted categories: stroma = tab10 blue (#1f77b4), tumour = orange (#ff7f0e).
  EXPECT_TRUE(has_pixel_near(img, blended(cv::Vec3b(0xb4, 0x77, 0x1f)), 2));
  EXPECT_TRUE(has_pixel_near(img, blended(cv::Vec3b(0x0e, 0x7f, 0xff)), 2));
  EXPECT_FALSE(has_pixel_near(img, blended(cv::Vec3b(0x2c, 0xa0, 0x2c)), 2));  // no third
}

TEST(SpotMap, RejectsMismatchedValues) {
  const MapCanvas canvas(three_spots());
  EXPECT_THROW(canvas.continuous({1.0, 2.0}, "short"), std::exception);
  SpotGeometry bad = three_spots();
  bad.y.pop_back();
  EXPECT_THROW(MapCanvas{bad}, std::exception);
}

TEST(Figure, GridAndRowLayoutSizesAndPngRoundTrip) {
  const cv::Mat a(40, 60, CV_8UC3, cv::Scalar(10, 20, 30)), b(50, 30, CV_8UC3, cv::Scalar(1, 2, 3));
  const cv::Mat row = hstack_panels({a, b}, 12);
  EXPECT_EQ(row.cols, 60 + 12 + 30);
  EXPECT_EQ(row.rows, 50);
  const cv::Mat grid = grid_panels({a, b, a}, 2, 8);
  EXPECT_EQ(grid.cols, 2 * 60 + 8);
  EXPECT_EQ(grid.rows, 2 * 50 + 8);
  const auto png = encode_png(grid);
  const cv::Mat back = cv::imdecode(png, cv::IMREAD_COLOR);
  ASSERT_EQ(back.size(), grid.size());
  EXPECT_EQ(cv::norm(back, grid, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace stx
