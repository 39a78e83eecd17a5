#include "stx/histology/image/stain.hpp"

#include <array>
#include <cmath>

namespace stx {
namespace {

// Rows: stain vectors in RGB optical density (scikit-image rgb_from_hed, normalised).
cv::Matx33d stain_matrix() {
  cv::Matx33d m(0.65, 0.70, 0.29,   // hematoxylin
                0.07, 0.99, 0.11,   // eosin
                0.27, 0.57, 0.78);  // residual (DAB)
  for (int r = 0; r < 3; ++r) {
    const double norm = std::sqrt(m(r, 0) * m(r, 0) + m(r, 1) * m(r, 1) + m(r, 2) * m(r, 2));
    for (int c = 0; c < 3; ++c) m(r, c) /= norm;
  }
  return m;
}

const cv::Matx33d& rgb_from_stains() {
  static const cv::Matx33d m = stain_matrix();
  return m;
}

const cv::Matx33d& stains_from_rgb() {
  static const cv::Matx33d inverse = stain_matrix().inv();
  return inverse;
}

}  // namespace

const float* optical_density_table() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> od{};
    for (int i = 0; i < 256; ++i) od[i] = static_cast<float>(-std::log10((i + 1) / 256.0));
    return od;
  }();
  return table.data();
}

cv::Mat deconvolve_he(const cv::Mat& rgb) {
  CV_Assert(rgb.type() == CV_8UC3);
  const float* od = optical_density_table();
  const cv::Matx33d& inv = stains_from_rgb();
  cv::Mat out(rgb.size(), CV_32FC3);
  for (int y = 0; y < rgb.rows; ++y) {
    const cv::Vec3b* src = rgb.ptr<cv::Vec3b>(y);
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      const double r = od[src[x][0]], g = od[src[x][1]], b = od[src[x][2]];
      for (int s = 0; s < 3; ++s)
        dst[x][s] = static_cast<float>(r * inv(0, s) + g * inv(1, s) + b * inv(2, s));
    }
  }
  return out;
}

cv::Vec3d compose_he(double hematoxylin, double eosin, double residual) {
  const cv::Matx33d& m = rgb_from_stains();
  cv::Vec3d rgb;
  for (int c = 0; c < 3; ++c) {
    const double od = hematoxylin * m(0, c) + eosin * m(1, c) + residual * m(2, c);
    rgb[c] = 256.0 * std::pow(10.0, -od) - 1.0;
  }
  return rgb;
}

}  // namespace stx
