// SlideData as a view of the Slide container (#31 item 1): its spots are the slide's kept
// spots, every per-spot array follows them, and nothing joins by spot id.
#include "stx/train/slide_data.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

// Four spots; spot "b" has no counts, so a scorer flags it.
Slide four_spots() {
  Slide s;
  s.name = s.source_path = "S";
  s.um_per_px = 2;
  s.spot_ids = {"a", "b", "c", "d"};
  s.pixel_x = {1, 2, 3, 4};
  s.pixel_y = {10, 20, 30, 40};
  s.counts = test::csr_rows(2, {{{0, 1}, {1, 3}}, {{}, {}}, {{0}, {5}}, {{1}, {7}}});
  s.gene_symbols = {"G1", "G2"};
  s.validate();
  return s;
}

EncodedFeatures features_of(const Slide& slide) {
  EncodedFeatures f;
  f.feature_names = {"f1", "f2"};
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    f.values.insert(f.values.end(), {static_cast<float>(i), static_cast<float>(-i)});
    f.off_image.push_back(0);
  }
  return f;
}

PathwayScores scores_of(const Slide& slide) {
  PathwayScores s;
  s.pathways = {"P"};
  s.n_spots = slide.n_spots();
  s.values = {0.5f, NAN, 0.7f, 0.9f};
  s.flagged = {0, 1, 0, 0};
  return s;
}

TEST(SlideData, ItsSpotsAreTheSlidesKeptSpotsWithEveryArray) {
  const Slide slide = four_spots();
  const PathwayScores scores = scores_of(slide);
  int64_t dropped = -1;
  const SlideData d = make_slide_data(slide, features_of(slide), &scores, {"G2"}, &dropped);
  EXPECT_EQ(dropped, 1);
  EXPECT_NO_THROW(d.validate());
  EXPECT_EQ(d.name(), "S");
  EXPECT_EQ(d.spots.spot_ids, (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(d.slide_rows, (std::vector<int64_t>{0, 2, 3}));
  EXPECT_EQ(d.spots.n_genes(), 0);  // a view: no expression
  EXPECT_EQ(d.x_um(), (std::vector<double>{2, 6, 8}));
  EXPECT_EQ(d.y_um(), (std::vector<double>{20, 60, 80}));
  EXPECT_EQ(d.features, (std::vector<float>{0, 0, 2, -2, 3, -3}));
  EXPECT_EQ(d.pathways, (std::vector<float>{0.5f, 0.7f, 0.9f}));
  // G2 as log1p CP10k: 3 of 4 counts, none of 5, 7 of 7
  ASSERT_EQ(d.genes.size(), 3u);
  EXPECT_FLOAT_EQ(d.genes[0], static_cast<float>(std::log1p(1e4 * 3 / 4)));
  EXPECT_FLOAT_EQ(d.genes[1], 0.0f);
  EXPECT_FLOAT_EQ(d.genes[2], static_cast<float>(std::log1p(1e4)));
  EXPECT_DOUBLE_EQ(d.log_library_size[1], std::log1p(5.0));

  const SlideData part = d.select_spots({2, 0});
  EXPECT_NO_THROW(part.validate());
  EXPECT_EQ(part.spots.spot_ids, (std::vector<std::string>{"d", "a"}));
  EXPECT_EQ(part.slide_rows, (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(part.features, (std::vector<float>{3, -3, 0, 0}));
  EXPECT_EQ(part.pathways, (std::vector<float>{0.9f, 0.5f}));
  EXPECT_EQ(part.x_um(), (std::vector<double>{8, 2}));
}

TEST(SlideData, FeaturesOfAnotherSlideOrRowsOutOfStepAreRefused) {
  const Slide slide = four_spots();
  EncodedFeatures three = features_of(slide.select_spots({0, 1, 2}));
  EXPECT_STX_ERROR(make_slide_data(slide, three, nullptr, {}), ShapeError,
                   "features of the feature file (3 spots) are not those of S (4 spots)");
  SlideData d = make_slide_data(slide, features_of(slide), nullptr, {});
  EXPECT_EQ(d.n_spots(), 4);  // no scores: every spot kept
  d.features.pop_back();
  EXPECT_STX_ERROR(d.validate(), ShapeError, "section S: features has 7 values, expected 4 spots x 2");
  d = make_slide_data(slide, features_of(slide), nullptr, {});
  d.pathways = {1, 2, 3};
  EXPECT_STX_ERROR(d.validate(), ShapeError, "pathways has 3 values, not a row per spot (4)");
}

TEST(SlideData, TokensFollowTheKeptSpotsByTheirSlideRows) {
  const Slide slide = four_spots();
  const PathwayScores scores = scores_of(slide);
  SlideData d = make_slide_data(slide, features_of(slide), &scores, {});
  const std::vector<float> tokens = {0, 0, 10, 10, 20, 20, 30, 30};  // (4 spots, 1 token, 2 dims)
  attach_tokens(d, slide, tokens, 1, 2);
  EXPECT_EQ(d.tokens, (std::vector<float>{0, 0, 20, 20, 30, 30}));
  EXPECT_NO_THROW(d.validate());
  EXPECT_STX_ERROR(attach_tokens(d, slide, {1, 2, 3}, 1, 2), ShapeError, "3 token values for 4 spots");
}

}  // namespace
}  // namespace stx
