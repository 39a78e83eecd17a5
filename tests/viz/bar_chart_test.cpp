// Bar charts: each part's bar is as long as its value on the chart's one scale (the largest
// stack spans half the plot), positive parts right of zero and negative ones left of it.
#include <gtest/gtest.h>

#include <algorithm>

#include "stx/core/error.hpp"
#include "stx/viz/bar_chart.hpp"
#include "stx/viz/colours.hpp"

namespace stx {
namespace {

struct PixelRun {
  int start = -1, length = 0;
};

// Where `colour` spans in row `y`: its first pixel and the length up to its last (the line
// marking a bar's total may cross a part).
PixelRun extent(const cv::Mat& image, int y, const cv::Scalar& colour) {
  const cv::Vec3b want(static_cast<uchar>(colour[0]), static_cast<uchar>(colour[1]), static_cast<uchar>(colour[2]));
  PixelRun r;
  for (int x = 0; x < image.cols; ++x)
    if (image.at<cv::Vec3b>(y, x) == want) {
      if (r.start < 0) r.start = x;
      r.length = x - r.start + 1;
    }
  return r;
}

TEST(BarChart, PartsAreDrawnToScaleEitherSideOfZero) {
  BarChartStyle style;
  style.plot_w = 380;  // half the plot less 4 px spans the largest stack: 186 px for 2.0
  const std::vector<Bar> bars = {{"UP", {2.0, 0.0}, true}, {"MIXED", {-1.0, 0.5}, false}};
  const cv::Mat chart = bar_chart(bars, {"sets", "residual"}, "title", "subtitle", "change", style);
  std::vector<std::pair<PixelRun, PixelRun>> rows;  // per row holding a bar: the runs of part 0 and part 1
  for (int y = 0; y < chart.rows; ++y) {
    const PixelRun a = extent(chart, y, viz::category_colour(0)), b = extent(chart, y, viz::category_colour(1));
    if (a.length > 20 || b.length > 20) rows.push_back({a, b});
  }
  ASSERT_FALSE(rows.empty());
  const auto up = std::max_element(rows.begin(), rows.end(), [](const auto& l, const auto& r) {
    return l.first.length < r.first.length;
  });
  EXPECT_NEAR(up->first.length, 186, 3);  // the total's line covers the bar's last pixels
  const int zero_x = up->first.start;
  const auto mixed = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.second.length > 20; });
  ASSERT_NE(mixed, rows.end());
  EXPECT_NEAR(mixed->first.length, 93, 1);                    // -1.0, left of zero
  EXPECT_NEAR(mixed->first.start + mixed->first.length, zero_x, 1);
  EXPECT_NEAR(mixed->second.length, 46.5, 1.5);               // +0.5, right of zero
  EXPECT_NEAR(mixed->second.start, zero_x, 1);
}

TEST(BarChart, RefusesBarsWithTheWrongNumberOfParts) {
  EXPECT_THROW(bar_chart({{"A", {1.0}, false}}, {"sets", "residual"}, "t", "", "x"), ShapeError);
  EXPECT_THROW(bar_chart({}, {"sets"}, "t", "", "x"), ShapeError);
}

}  // namespace
}  // namespace stx
