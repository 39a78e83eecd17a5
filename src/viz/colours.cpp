#include "stx/viz/colours.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace stx::viz {

cv::Scalar viridis(double t) {
  static const cv::Mat lut = [] {
    cv::Mat ramp(256, 1, CV_8UC1);
    for (int i = 0; i < 256; ++i) ramp.at<uchar>(i) = static_cast<uchar>(i);
    cv::Mat colours;
    cv::applyColorMap(ramp, colours, cv::COLORMAP_VIRIDIS);
    return colours;
  }();
  if (!std::isfinite(t)) t = 0;
  const int i = static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * 255));
  const auto c = lut.at<cv::Vec3b>(i);
  return {static_cast<double>(c[0]), static_cast<double>(c[1]), static_cast<double>(c[2])};
}

cv::Scalar red_blue(double t) {
  // #0571b0 #92c5de #f7f7f7 #f4a582 #ca0020 as BGR, blue to red
  static const double stops[5][3] = {{176, 113, 5}, {222, 197, 146}, {247, 247, 247}, {130, 165, 244}, {32, 0, 202}};
  if (!std::isfinite(t)) t = 0;
  const double u = (std::clamp(t, -1.0, 1.0) + 1) * 2;  // [0, 4]
  const int i = std::min(3, static_cast<int>(u));
  const double f = u - i;
  return {stops[i][0] + f * (stops[i + 1][0] - stops[i][0]), stops[i][1] + f * (stops[i + 1][1] - stops[i][1]),
          stops[i][2] + f * (stops[i + 1][2] - stops[i][2])};
}

cv::Scalar category_colour(size_t i) {
  // tab10, then the light halves of tab20 (RGB hex).
  static constexpr std::array<unsigned, 20> kRgb = {
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
      0x7f7f7f, 0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896,
      0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5};
  const unsigned rgb = kRgb[i % kRgb.size()];
  return {static_cast<double>(rgb & 0xff), static_cast<double>((rgb >> 8) & 0xff),
          static_cast<double>((rgb >> 16) & 0xff)};
}

std::map<std::string, size_t> category_indices(const std::vector<std::string>& names) {
  std::map<std::string, size_t> index;
  for (const auto& name : names)
    if (!name.empty()) index.emplace(name, 0);
  size_t next = 0;
  for (auto& [name, i] : index) i = next++;
  return index;
}

}  // namespace stx::viz
