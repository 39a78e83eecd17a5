// Deep Zoom pyramids: the levels and tile rectangles OpenSeadragon's DziTileSource expects
// (a level is the full size over 2^(top - level), rounded up; a tile is tile_px plus the
// overlap on each side that has a neighbour, cut at the level's edge), and tiles that show
// the image: a tile read back equals its crop of the image within JPEG's error.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/outputs/deep_zoom.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

TEST(DeepZoom, LevelsAndTilesFollowTheFormat) {
  EXPECT_EQ(deep_zoom_levels(1, 1), 1);
  EXPECT_EQ(deep_zoom_levels(1024, 10), 11);
  EXPECT_EQ(deep_zoom_levels(1025, 10), 12);
  DeepZoomPyramid p;
  p.width = 1000;
  p.height = 600;
  p.levels = deep_zoom_levels(p.width, p.height);
  ASSERT_EQ(p.levels, 11);
  // ceil(1000 / 2^k): 1000, 500, 250, 125, 63, 32, 16, 8, 4, 2, 1
  const int64_t widths[] = {1, 2, 4, 8, 16, 32, 63, 125, 250, 500, 1000};
  for (int level = 0; level < p.levels; ++level) EXPECT_EQ(deep_zoom_level_size(p.width, level, p.levels), widths[level]);
  const DeepZoomOptions o;  // 254 + 1
  DeepZoomTile t = deep_zoom_tile(p, o, 10, 0, 0);
  EXPECT_EQ(t.out_width, 255);
  EXPECT_DOUBLE_EQ(t.x, 0);
  t = deep_zoom_tile(p, o, 10, 1, 2);  // inner: 1 px of overlap both sides
  EXPECT_EQ(t.out_width, 256);
  EXPECT_DOUBLE_EQ(t.x, 253);
  EXPECT_DOUBLE_EQ(t.y, 507);
  EXPECT_EQ(t.out_height, 600 - 507);  // cut at the edge
  t = deep_zoom_tile(p, o, 10, 3, 0);
  EXPECT_EQ(t.out_width, 1000 - 761);
  t = deep_zoom_tile(p, o, 9, 1, 0);  // half size: each level pixel is 2 full-resolution pixels
  EXPECT_DOUBLE_EQ(t.x, 506);
  EXPECT_EQ(t.out_width, 500 - 253);
  EXPECT_DOUBLE_EQ(t.width, 2.0 * (500 - 253));
  EXPECT_NE(deep_zoom_descriptor(p, o).find("Overlap=\"1\" TileSize=\"254\">\n  <Size Width=\"1000\" Height=\"600\"/>"),
            std::string::npos);
  EXPECT_THROW(deep_zoom_levels(0, 5), ShapeError);
}

TEST(DeepZoom, TilesShowTheImage) {
  test::TempDir dir;
  cv::Mat bgr(400, 600, CV_8UC3);
  for (int y = 0; y < bgr.rows; ++y)  // smooth gradients with a block: easy on JPEG, easy to place
    for (int x = 0; x < bgr.cols; ++x)
      bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 255 / 599), static_cast<uchar>(y * 255 / 399), 90);
  cv::rectangle(bgr, cv::Rect(300, 250, 120, 80), cv::Scalar(20, 200, 240), cv::FILLED);
  const std::string png = dir / "image.png";
  ASSERT_TRUE(cv::imwrite(png, bgr));
  const auto image = open_image(png);
  DeepZoomOptions options;
  options.tile_px = 128;
  options.threads = 2;
  const DeepZoomPyramid p = write_deep_zoom(*image, dir.path().string(), "slide", options);
  EXPECT_EQ(p.levels, 11);  // 600 -> 1 px in 10 halvings
  int64_t tiles = 0;
  for (int level = 0; level < p.levels; ++level)
    tiles += ((deep_zoom_level_size(600, level, p.levels) + 127) / 128) * ((deep_zoom_level_size(400, level, p.levels) + 127) / 128);
  EXPECT_EQ(p.tiles, tiles);
  // top level, tile (2, 1): x 255.., y 127..; the block's corner falls inside it
  const cv::Mat tile = cv::imread(dir / "slide_files/10/2_1.jpg", cv::IMREAD_COLOR);
  const DeepZoomTile t = deep_zoom_tile(p, options, 10, 2, 1);
  ASSERT_EQ(tile.cols, t.out_width);
  ASSERT_EQ(tile.rows, t.out_height);
  cv::Mat diff;
  cv::absdiff(tile, bgr(cv::Rect(static_cast<int>(t.x), static_cast<int>(t.y), t.out_width, t.out_height)), diff);
  EXPECT_LT(cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2], 3 * 3.0);
  // level 0 is the whole image in one pixel: its mean colour
  const cv::Mat pixel = cv::imread(dir / "slide_files/0/0_0.jpg", cv::IMREAD_COLOR);
  ASSERT_EQ(pixel.total(), 1u);
  const cv::Scalar mean = cv::mean(bgr);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(pixel.at<cv::Vec3b>(0, 0)[c], mean[c], 4) << c;
  EXPECT_TRUE(std::filesystem::exists(dir / "slide_files/9/2_1.jpg"));
  EXPECT_FALSE(std::filesystem::exists(dir / "slide_files/9/3_0.jpg"));  // 300 px: 3 tiles of 128
}

}  // namespace
}  // namespace stx
