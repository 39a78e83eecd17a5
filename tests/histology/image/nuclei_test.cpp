// The nucleus detector on drawn tissue: dark haematoxylin discs at known centres on faint
// stroma, with paler smudges that Otsu's threshold must reject; the tiling must not change
// what is found.
#include "stx/histology/image/nuclei.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <random>

#include "stx/histology/image/stain.hpp"
#include "stx/io/image/image.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

constexpr double kUmPerPx = 0.25;  // a 40x scan
constexpr int kSide = 720;         // 180 µm

struct Drawn {
  std::vector<cv::Point2d> nuclei, smudges;  // centres, full-resolution pixels
};

// Nuclei of radius 3 µm on a jittered 15 µm grid in the left two thirds; smudges (8 µm, H 0.2)
// in the right third. Pixel (c, r) covers [c, c + 1) x [r, r + 1).
Drawn draw_tissue(const std::string& path) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-2.0, 2.0), dark(0.55, 0.95);
  Drawn drawn;
  cv::Mat h(kSide, kSide, CV_64F, cv::Scalar(0.06));
  const auto paint = [&](cv::Point2d centre, double radius_um, double od) {
    const double r = radius_um / kUmPerPx;
    for (int y = std::max(0, static_cast<int>(centre.y - r - 1)); y < std::min(kSide, static_cast<int>(centre.y + r + 2)); ++y)
      for (int x = std::max(0, static_cast<int>(centre.x - r - 1)); x < std::min(kSide, static_cast<int>(centre.x + r + 2)); ++x)
        if (std::hypot(x + 0.5 - centre.x, y + 0.5 - centre.y) < r) h.at<double>(y, x) = od;
  };
  for (double gy = 12; gy < 170; gy += 15)
    for (double gx = 12; gx < 110; gx += 15) {
      const cv::Point2d c((gx + jitter(rng)) / kUmPerPx, (gy + jitter(rng)) / kUmPerPx);
      drawn.nuclei.push_back(c);
      paint(c, 3.0, dark(rng));
    }
  for (double gy = 20; gy < 170; gy += 40) {
    const cv::Point2d c(150 / kUmPerPx, gy / kUmPerPx);
    drawn.smudges.push_back(c);
    paint(c, 8.0, 0.2);
  }
  cv::Mat bgr(kSide, kSide, CV_8UC3);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const cv::Vec3d rgb = compose_he(h.at<double>(y, x), 0.35);
      bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(rgb[2]), cv::saturate_cast<uchar>(rgb[1]),
                                          cv::saturate_cast<uchar>(rgb[0]));
    }
  cv::imwrite(path, bgr);
  return drawn;
}

double nearest(const std::vector<cv::Point2d>& points, double x, double y) {
  double best = 1e300;
  for (const auto& p : points) best = std::min(best, std::hypot(p.x - x, p.y - y));
  return best;
}

TEST(Nuclei, FindsEveryDrawnNucleusAndNoSmudge) {
  test::TempDir dir;
  const Drawn drawn = draw_tissue(dir / "tissue.png");
  const auto image = open_image(dir / "tissue.png");
  const DetectedNuclei found = detect_nuclei(*image, kUmPerPx);
  ASSERT_EQ(found.size(), drawn.nuclei.size()) << "threshold " << found.threshold << ", " << found.maxima << " maxima";
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_LT(nearest(drawn.nuclei, found.x_px[i], found.y_px[i]) * kUmPerPx, 0.75) << "detection " << i;
    EXPECT_GT(nearest(drawn.smudges, found.x_px[i], found.y_px[i]) * kUmPerPx, 10.0);
  }
  EXPECT_GE(found.maxima, static_cast<int64_t>(drawn.nuclei.size() + drawn.smudges.size()))
      << "the smudges (and the flat stroma) are maxima too, removed by the threshold";
  EXPECT_GT(found.threshold, 0.2) << "Otsu's threshold lies between the smudges and the nuclei";
  EXPECT_LT(found.threshold, 0.55);
  for (size_t i = 1; i < found.size(); ++i)
    EXPECT_TRUE(found.y_px[i - 1] < found.y_px[i] || (found.y_px[i - 1] == found.y_px[i] && found.x_px[i - 1] < found.x_px[i]));
}

// Uniform images and uniform regions (black borders, pen marks) hold no nuclei: a plateau is
// no maximum and takes no part in the threshold. A black band over the smudges' third of the
// drawn tissue leaves the nuclei found as they were.
TEST(Nuclei, NoNucleiOnAPlateau) {
  test::TempDir dir;
  for (const auto& [name, bgr] : std::vector<std::pair<std::string, cv::Vec3b>>{
           {"black", {0, 0, 0}}, {"purple", {160, 60, 120}}, {"white", {255, 255, 255}}}) {
    cv::imwrite(dir / (name + ".png"), cv::Mat(400, 400, CV_8UC3, cv::Scalar(bgr[0], bgr[1], bgr[2])));
    const DetectedNuclei found = detect_nuclei(*open_image(dir / (name + ".png")), kUmPerPx);
    EXPECT_EQ(found.size(), 0u) << name;
    EXPECT_EQ(found.maxima, 0) << name;
  }
  const Drawn drawn = draw_tissue(dir / "tissue.png");
  cv::Mat tissue = cv::imread(dir / "tissue.png");
  const int band = static_cast<int>(130 / kUmPerPx);  // x >= 130 µm: the smudges, no nucleus
  cv::rectangle(tissue, {band, 0}, {kSide - 1, kSide - 1}, cv::Scalar(0, 0, 0), cv::FILLED);
  cv::imwrite(dir / "bordered.png", tissue);
  const DetectedNuclei found = detect_nuclei(*open_image(dir / "bordered.png"), kUmPerPx);
  EXPECT_EQ(found.size(), drawn.nuclei.size()) << "threshold " << found.threshold << ", " << found.maxima << " maxima";
  for (size_t i = 0; i < found.size(); ++i)
    EXPECT_LT(nearest(drawn.nuclei, found.x_px[i], found.y_px[i]) * kUmPerPx, 0.75) << "detection " << i;
}

TEST(Nuclei, SmallTilesFindTheSameCentres) {
  test::TempDir dir;
  draw_tissue(dir / "tissue.png");
  const auto image = open_image(dir / "tissue.png");
  NucleusOptions small;
  small.tile_px = 64;  // 36 tiles of 32 µm: most nuclei lie near a tile's edge
  const DetectedNuclei whole = detect_nuclei(*image, kUmPerPx), tiled = detect_nuclei(*image, kUmPerPx, small);
  ASSERT_EQ(tiled.size(), whole.size());
  EXPECT_EQ(tiled.maxima, whole.maxima);
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_NEAR(tiled.x_px[i], whole.x_px[i], 1e-9);
    EXPECT_NEAR(tiled.y_px[i], whole.y_px[i], 1e-9);
  }
}

TEST(Nuclei, AGivenThresholdAndTheTableForPredict) {
  test::TempDir dir;
  const Drawn drawn = draw_tissue(dir / "tissue.png");
  const auto image = open_image(dir / "tissue.png");
  NucleusOptions low;
  low.threshold = 0.1;  // the smudges pass now
  const DetectedNuclei found = detect_nuclei(*image, kUmPerPx, low);
  EXPECT_EQ(found.size(), drawn.nuclei.size() + drawn.smudges.size());
  write_nuclei_table(found, kUmPerPx, dir / "nuclei.tsv");
  const std::string table = test::read_text(dir / "nuclei.tsv");
  EXPECT_EQ(table.substr(0, table.find('\n')), "cell_id\tx\ty\tx_um\ty_um\thematoxylin");
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), static_cast<long>(found.size() + 1));
}

TEST(Nuclei, OtsuSplitsTwoClustersAndRefusesBadOptions) {
  // Two spikes of 100 at bins 10 and 30: every split between them separates them equally
  // well (between-class variance 100 * 100 * 0.2^2); the first, after bin 10, is taken.
  std::vector<double> counts(64, 0.0);
  counts[10] = counts[30] = 100;
  EXPECT_NEAR(otsu_threshold(counts, 0.0, 0.01), 0.11, 1e-12);
  // A heavier dark spike moves nothing: the split still lies between the two.
  counts[30] = 300;
  EXPECT_NEAR(otsu_threshold(counts, 0.5, 0.01), 0.61, 1e-12);
  EXPECT_STX_ERROR(otsu_threshold(std::vector<double>(8, 0.0), 0.0, 0.01), ShapeError, "an empty histogram");
  test::TempDir dir;
  draw_tissue(dir / "tissue.png");
  const auto image = open_image(dir / "tissue.png");
  EXPECT_STX_ERROR(detect_nuclei(*image, std::nan("")), ConfigError, "µm per pixel");
  NucleusOptions bad;
  bad.radius_um = 0.1;
  EXPECT_STX_ERROR(detect_nuclei(*image, kUmPerPx, bad), ConfigError, "nuclei: radius 0.1 µm");
}

}  // namespace
}  // namespace stx
