#include "stx/histology/image/macenko.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "stx/core/error.hpp"

namespace stx {
namespace {

cv::Vec3d od_of(const cv::Vec3b& p) {
  return {-std::log((p[0] + 1) / 256.0), -std::log((p[1] + 1) / 256.0), -std::log((p[2] + 1) / 256.0)};
}

double percentile(std::vector<double> v, double q) {
  const auto nth = v.begin() + static_cast<int64_t>(q / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), nth, v.end());
  return *nth;
}

// Least-squares concentrations of OD under the two stain vectors.
cv::Vec2d concentrations(const cv::Vec3d& od, const cv::Matx22d& inverse_gram, const StainBasis& b) {
  const cv::Vec2d projected(od.dot(b.hematoxylin), od.dot(b.eosin));
  return inverse_gram * projected;
}

cv::Matx22d inverse_gram(const StainBasis& b) {
  const cv::Matx22d gram(b.hematoxylin.dot(b.hematoxylin), b.hematoxylin.dot(b.eosin),
                         b.eosin.dot(b.hematoxylin), b.eosin.dot(b.eosin));
  return gram.inv();
}

}  // namespace

StainBasis fit_macenko(const cv::Mat& rgb, const MacenkoOptions& options) {
  CV_Assert(rgb.type() == CV_8UC3);
  std::vector<cv::Vec3d> tissue;
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) {
      const cv::Vec3d od = od_of(rgb.at<cv::Vec3b>(y, x));
      if (cv::norm(od) > options.min_od) tissue.push_back(od);
    }
  STX_CHECK(tissue.size() >= 100, FormatError,
            "Macenko: only {} tissue pixels (OD norm > {}); is the image blank?",
            tissue.size(), options.min_od);
  cv::Mat samples(static_cast<int>(tissue.size()), 3, CV_64F, tissue.data());
  cv::Mat covariance, mean;
  cv::calcCovarMatrix(samples, covariance, mean, cv::COVAR_NORMAL | cv::COVAR_ROWS | cv::COVAR_SCALE);
  cv::Mat eigenvalues, eigenvectors;  // rows, by decreasing eigenvalue
  cv::eigen(covariance, eigenvalues, eigenvectors);
  cv::Vec3d e1(eigenvectors.ptr<double>(0)), e2(eigenvectors.ptr<double>(1));
  if (e1[0] < 0) e1 = -e1;  // point into positive OD
  if (e2[0] < 0) e2 = -e2;

  std::vector<double> angles;
  angles.reserve(tissue.size());
  for (const auto& od : tissue) angles.push_back(std::atan2(od.dot(e2), od.dot(e1)));
  const double lo = percentile(angles, options.angle_percentile);
  const double hi = percentile(angles, 100 - options.angle_percentile);
  cv::Vec3d v_lo = std::cos(lo) * e1 + std::sin(lo) * e2, v_hi = std::cos(hi) * e1 + std::sin(hi) * e2;
  v_lo /= cv::norm(v_lo), v_hi /= cv::norm(v_hi);
  StainBasis basis;
  // Hematoxylin absorbs red more than eosin does.
  basis.hematoxylin = v_lo[0] > v_hi[0] ? v_lo : v_hi;
  basis.eosin = v_lo[0] > v_hi[0] ? v_hi : v_lo;

  const cv::Matx22d inv = inverse_gram(basis);
  std::vector<double> h, e;
  for (const auto& od : tissue) {
    const cv::Vec2d c = concentrations(od, inv, basis);
    h.push_back(c[0]), e.push_back(c[1]);
  }
  basis.max_concentration = {percentile(h, 99), percentile(e, 99)};
  return basis;
}

cv::Vec3b render_stains(const StainBasis& basis, double h, double e) {
  cv::Vec3b out;
  for (int c = 0; c < 3; ++c)
    out[c] = cv::saturate_cast<uchar>(256.0 * std::exp(-(h * basis.hematoxylin[c] + e * basis.eosin[c])) - 1.0);
  return out;
}

cv::Mat normalize_stain(const cv::Mat& rgb, const StainBasis& source, const StainBasis& target) {
  CV_Assert(rgb.type() == CV_8UC3);
  const cv::Matx22d inv = inverse_gram(source);
  const cv::Vec2d scale(target.max_concentration[0] / source.max_concentration[0],
                        target.max_concentration[1] / source.max_concentration[1]);
  cv::Mat out(rgb.size(), CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) {
      const cv::Vec2d c = concentrations(od_of(rgb.at<cv::Vec3b>(y, x)), inv, source);
      out.at<cv::Vec3b>(y, x) = render_stains(target, std::max(0.0, c[0]) * scale[0], std::max(0.0, c[1]) * scale[1]);
    }
  return out;
}

}  // namespace stx
