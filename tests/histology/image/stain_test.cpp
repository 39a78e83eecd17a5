#include "stx/histology/image/stain.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

TEST(Stain, DeconvolutionInvertsTheForwardModel) {
  // Pixels composed from known stain amounts come back as those amounts (up to 8-bit rounding).
  const std::vector<std::pair<double, double>> amounts = {{0.0, 0.0}, {0.8, 0.1}, {0.1, 0.6}, {0.5, 0.5}};
  cv::Mat rgb(1, static_cast<int>(amounts.size()), CV_8UC3);
  for (size_t i = 0; i < amounts.size(); ++i) {
    const cv::Vec3d c = compose_he(amounts[i].first, amounts[i].second);
    rgb.at<cv::Vec3b>(0, static_cast<int>(i)) = cv::Vec3b(cv::saturate_cast<uchar>(c[0]),
                                                          cv::saturate_cast<uchar>(c[1]),
                                                          cv::saturate_cast<uchar>(c[2]));
  }
  const cv::Mat hed = deconvolve_he(rgb);
  for (size_t i = 0; i < amounts.size(); ++i) {
    const cv::Vec3f got = hed.at<cv::Vec3f>(0, static_cast<int>(i));
    EXPECT_NEAR(got[0], amounts[i].first, 0.03) << i;
    EXPECT_NEAR(got[1], amounts[i].second, 0.03) << i;
    EXPECT_NEAR(got[2], 0.0, 0.03) << i;
  }
}

TEST(Stain, HematoxylinIsBluePurpleAndEosinPink) {
  const cv::Vec3d h = compose_he(1.0, 0.0), e = compose_he(0.0, 1.0);
  EXPECT_GT(h[2], h[0]);  // more blue than red
  EXPECT_GT(e[0], e[1]);  // more red than green
}

}  // namespace
}  // namespace stx
