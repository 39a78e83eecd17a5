// Tissue detection and pseudo-spots on a drawn slide: a pink disc of radius 1 mm on glass.
#include "stx/histology/image/tissue.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "stx/histology/image/stain.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

constexpr double kUmPerPx = 2.0, kRadiusUm = 1000.0, kCentre = 750.0;  // 1500 px square image

std::shared_ptr<const Image> disc_image(const test::TempDir& dir) {
  cv::Mat bgr(1500, 1500, CV_8UC3, cv::Scalar(245, 242, 240));  // glass, nearly white
  const cv::Vec3d tissue = compose_he(0.3, 0.6);
  cv::circle(bgr, cv::Point(750, 750), static_cast<int>(kRadiusUm / kUmPerPx),
             cv::Scalar(tissue[2], tissue[1], tissue[0]), cv::FILLED);
  cv::circle(bgr, cv::Point(100, 100), 5, cv::Scalar(tissue[2], tissue[1], tissue[0]), cv::FILLED);  // a speck
  cv::imwrite(dir / "disc.png", bgr);
  return open_image(dir / "disc.png");
}

TEST(Tissue, MaskMatchesTheDrawnDisc) {
  test::TempDir dir;
  const auto image = disc_image(dir);
  const TissueMask mask = detect_tissue(*image, kUmPerPx);
  const double disc_um2 = M_PI * kRadiusUm * kRadiusUm;
  EXPECT_NEAR(mask.area_um2(kUmPerPx), disc_um2, 0.05 * disc_um2);
  EXPECT_TRUE(mask.at(kCentre, kCentre));
  EXPECT_FALSE(mask.at(100, 100)) << "a 20 µm speck is below the minimum tissue area";
  EXPECT_FALSE(mask.at(20, 1480));
}

TEST(Tissue, HexagonalPseudoSpotsCoverTheDisc) {
  test::TempDir dir;
  PseudoSpotOptions options;  // hexagonal, 100 µm
  const Slide slide = pseudo_spot_slide(disc_image(dir), kUmPerPx, options);
  // One spot per sqrt(3)/2 * pitch^2 of tissue.
  const double expected = M_PI * kRadiusUm * kRadiusUm / (std::sqrt(3.0) / 2 * 100.0 * 100.0);
  EXPECT_NEAR(static_cast<double>(slide.n_spots()), expected, 0.06 * expected);
  for (int64_t i = 0; i < slide.n_spots(); ++i)
    ASSERT_LE(std::hypot(slide.pixel_x[i] - kCentre, slide.pixel_y[i] - kCentre) * kUmPerPx,
              kRadiusUm + 20);
  EXPECT_EQ(slide.n_genes(), 0);
  EXPECT_NO_THROW(slide.validate());
  options.kind = GridKind::kSquare;
  const Slide square = pseudo_spot_slide(disc_image(dir), kUmPerPx, options);
  EXPECT_NEAR(static_cast<double>(square.n_spots()), M_PI * 100.0, 0.06 * M_PI * 100.0);
}

TEST(Tissue, BlankImageHasNoPseudoSpots) {
  test::TempDir dir;
  cv::imwrite(dir / "blank.png", cv::Mat(300, 300, CV_8UC3, cv::Scalar(250, 250, 250)));
  EXPECT_STX_ERROR(pseudo_spot_slide(open_image(dir / "blank.png"), kUmPerPx), FormatError,
                   "no tissue found");
  EXPECT_STX_ERROR(parse_grid_kind("triangle"), ConfigError, "choose hex, square");
}

}  // namespace
}  // namespace stx
