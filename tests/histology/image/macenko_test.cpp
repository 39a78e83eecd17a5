// Macenko on synthetic tissue painted with known stain vectors and concentrations.
#include "stx/histology/image/macenko.hpp"

#include <iostream>
#include <random>

#include "test_support.hpp"

namespace stx {
namespace {

StainBasis basis(cv::Vec3d h, cv::Vec3d e) {
  return {h / cv::norm(h), e / cv::norm(e), {1, 1}};
}

// 120 x 120 px: random mixtures of the two stains (some pure), on 10% glass.
cv::Mat paint(const StainBasis& b, std::vector<cv::Vec2d>* amounts = nullptr) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  cv::Mat rgb(120, 120, CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) {
      const double kind = u(rng);
      cv::Vec2d c = kind < 0.1 ? cv::Vec2d(0, 0)
                    : kind < 0.3 ? cv::Vec2d(0.3 + 1.2 * u(rng), 0.0)
                    : kind < 0.5 ? cv::Vec2d(0.0, 0.3 + 0.8 * u(rng))
                                 : cv::Vec2d(0.2 + u(rng), 0.2 + 0.6 * u(rng));
      rgb.at<cv::Vec3b>(y, x) = render_stains(b, c[0], c[1]);
      if (amounts) amounts->push_back(c);
    }
  return rgb;
}

double angle_deg(const cv::Vec3d& a, const cv::Vec3d& b) {
  return std::acos(std::clamp(a.dot(b) / (cv::norm(a) * cv::norm(b)), -1.0, 1.0)) * 180 / M_PI;
}

TEST(Macenko, RecoversTheStainVectors) {
  const StainBasis truth = basis({0.65, 0.70, 0.29}, {0.07, 0.99, 0.11});
  const StainBasis fitted = fit_macenko(paint(truth));
  EXPECT_LT(angle_deg(fitted.hematoxylin, truth.hematoxylin), 3.0);
  EXPECT_LT(angle_deg(fitted.eosin, truth.eosin), 3.0);
  std::cout << "Macenko: H off by " << angle_deg(fitted.hematoxylin, truth.hematoxylin) << " deg, E off by "
            << angle_deg(fitted.eosin, truth.eosin) << " deg\n";
}

TEST(Macenko, NormalisingReRendersWithTheTargetStains) {
  const StainBasis lab_a = basis({0.55, 0.75, 0.36}, {0.10, 0.95, 0.30});  // another lab's stains
  const StainBasis lab_b = basis({0.65, 0.70, 0.29}, {0.07, 0.99, 0.11});
  std::vector<cv::Vec2d> amounts;
  const cv::Mat a = paint(lab_a, &amounts);
  const cv::Mat b = paint(lab_b);  // the same tissue (same seed), stained as lab B
  const cv::Mat normalised = normalize_stain(a, fit_macenko(a), fit_macenko(b));
  double error = 0, before = 0;
  for (int i = 0; i < a.rows * a.cols; ++i) {
    error += cv::norm(cv::Vec3d(normalised.at<cv::Vec3b>(i)) - cv::Vec3d(b.at<cv::Vec3b>(i)));
    before += cv::norm(cv::Vec3d(a.at<cv::Vec3b>(i)) - cv::Vec3d(b.at<cv::Vec3b>(i)));
  }
  const double n = a.rows * a.cols;
  EXPECT_LT(error / n, 6.0) << "mean RGB distance to lab B's rendering after normalisation";
  EXPECT_GT(before / n, 3 * error / n) << "normalisation must bring lab A much closer to lab B";
  std::cout << "Macenko: mean RGB distance to the target rendering " << before / n << " before, "
            << error / n << " after\n";
}

TEST(Macenko, BlankImageIsAnError) {
  EXPECT_STX_ERROR(fit_macenko(cv::Mat(50, 50, CV_8UC3, cv::Scalar(250, 250, 250))), FormatError,
                   "only 0 tissue pixels");
}

}  // namespace
}  // namespace stx
