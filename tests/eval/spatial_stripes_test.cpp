// One slide cut into stripes for held-out evaluation: equal spot counts across the longer
// side, every per-spot array carried with its spots, each stripe its own group.
#include "stx/eval/spatial_stripes.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

TEST(SpatialStripes, CutAcrossTheLongerSideWithTheirSpots) {
  SlideData slide;
  slide.spots.name = "s";
  slide.spots.um_per_px = 10;
  slide.feature_dim = 2;
  for (int i = 0; i < 30; ++i) {
    const int at = (i * 7) % 30;  // spots not in x order
    slide.spots.spot_ids.push_back("c" + std::to_string(at));
    slide.spots.pixel_x.push_back(at);          // 290 µm wide
    slide.spots.pixel_y.push_back((at % 2) / 10.0);  // 1 µm tall
    slide.features.insert(slide.features.end(), {static_cast<float>(at), -static_cast<float>(at)});
    slide.pathways.push_back(static_cast<float>(at) / 10);
    slide.log_library_size.push_back(at);
  }
  const auto stripes = spatial_stripes(slide, 3);
  ASSERT_EQ(stripes.size(), 3u);
  for (int s = 0; s < 3; ++s) {
    const SlideData& part = stripes[static_cast<size_t>(s)];
    EXPECT_EQ(part.name(), "s:" + std::to_string(s + 1) + "/3");
    EXPECT_EQ(part.group, part.name());
    ASSERT_EQ(part.n_spots(), 10);
    for (int64_t i = 0; i < part.n_spots(); ++i) {
      const double at = part.x_um()[static_cast<size_t>(i)] / 10;
      EXPECT_GE(at, 10 * s);  // stripe s holds x positions 10s .. 10s + 9
      EXPECT_LT(at, 10 * (s + 1));
      EXPECT_EQ(part.spots.spot_ids[i], "c" + std::to_string(static_cast<int>(at)));
      EXPECT_EQ(part.features[2 * i + 1], -static_cast<float>(at));
      EXPECT_FLOAT_EQ(part.pathways[i], static_cast<float>(at) / 10);
      EXPECT_EQ(part.log_library_size[i], at);
    }
    EXPECT_TRUE(part.genes.empty());  // absent arrays stay absent
  }
  EXPECT_STX_ERROR(spatial_stripes(slide, 4), ShapeError, "4 spatial folds of 30 spots");
}

}  // namespace
}  // namespace stx
