// The built-in features on drawn patches whose answers are known, the encoder on a drawn
// slide, and the feature cache's reuse and invalidation.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <random>

#include "encoders/patch_features.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/encoders/feature_cache.hpp"
#include "stx/histology/image/stain.hpp"
#include "stx/io/hdf5/hdf5_file.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

cv::Vec3b he_colour(double h, double e) {
  const cv::Vec3d c = compose_he(h, e);
  return cv::Vec3b(cv::saturate_cast<uchar>(c[0]), cv::saturate_cast<uchar>(c[1]), cv::saturate_cast<uchar>(c[2]));
}

float feature(const std::vector<float>& values, const std::string& name) {
  const auto names = patch_feature_names("");
  return values[std::find(names.begin(), names.end(), name) - names.begin()];
}

std::vector<float> features_of(const cv::Mat& rgb, double um_per_px) {
  std::vector<float> out(kPatchFeatureCount);
  patch_features(rgb, um_per_px, out.data());
  return out;
}

TEST(PatchFeatures, BlankGlassHasNoTissueAndNoNuclei) {
  const auto f = features_of(cv::Mat(224, 224, CV_8UC3, cv::Scalar(255, 255, 255)), 0.5);
  EXPECT_EQ(feature(f, "tissue_fraction"), 0.0f);
  EXPECT_EQ(feature(f, "nuclei_per_1e4um2"), 0.0f);
  EXPECT_NEAR(feature(f, "H_mean"), 0.0, 1e-6);
}

TEST(PatchFeatures, CountsDrawnNuclei) {
  // Pink stroma (eosin 0.4) with 12 round hematoxylin nuclei of radius 6 px (3 µm at 0.5 µm/px).
  cv::Mat rgb(224, 224, CV_8UC3, cv::Scalar(he_colour(0.05, 0.4)));
  const cv::Vec3b nucleus = he_colour(0.9, 0.1);
  for (int i = 0; i < 12; ++i)
    cv::circle(rgb, cv::Point(20 + (i % 4) * 55, 30 + (i / 4) * 70), 6, cv::Scalar(nucleus), cv::FILLED);
  const auto f = features_of(rgb, 0.5);
  const double patch_area_um2 = 224 * 224 * 0.25;
  EXPECT_NEAR(feature(f, "nuclei_per_1e4um2"), 12 / patch_area_um2 * 1e4, 1e-3);
  EXPECT_NEAR(feature(f, "nucleus_area_mean"), 3.14159 * 9, 6.0);  // pi r^2 in µm², rasterised
  EXPECT_NEAR(feature(f, "tissue_fraction"), 1.0, 1e-6);
  EXPECT_GT(feature(f, "E_p50"), 0.3f);
  // 12 discs of ~113 px (pi 6^2, rasterised) in 224^2 px: 2.7% of the patch is nuclear.
  EXPECT_NEAR(feature(f, "nuclear_fraction"), 12 * 113.0 / (224 * 224), 0.004);
}

// The percentiles' order statistics equal std::nth_element's on values with ties, negatives,
// both zeros and a spread over many histogram bins.
TEST(PatchFeatures, OrderStatisticsEqualNthElement) {
  std::mt19937 random(7);
  std::normal_distribution<float> normal(0.2f, 0.5f);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> v(1 + random() % 5000);
    for (auto& x : v) x = trial % 3 == 0 ? std::round(normal(random) * 4) / 4 : normal(random);
    for (size_t i = 0; i < v.size(); i += 7) v[i] = (i / 7) % 2 ? -0.0f : 0.0f;
    const auto rank = [&](double q) { return static_cast<size_t>(q * static_cast<double>(v.size() - 1)); };
    const std::array<size_t, 3> ranks{rank(0.1), rank(0.5), rank(0.9)};
    const auto got = order_statistics(v, ranks);
    for (size_t k = 0; k < 3; ++k) {
      std::vector<float> w = v;
      std::nth_element(w.begin(), w.begin() + static_cast<int64_t>(ranks[k]), w.end());
      EXPECT_EQ(got[k], w[ranks[k]]) << "trial " << trial << " rank " << ranks[k];
    }
  }
  EXPECT_STX_ERROR(order_statistics({1.0f, 2.0f}, {0, 1, 2}), ShapeError, "rank 2 of 2 values");
}

// A slide drawn in the test: 3 spots on a 600 x 400 image, the third on the edge.
Slide drawn_slide(const test::TempDir& dir) {
  cv::Mat rgb(400, 600, CV_8UC3, cv::Scalar(he_colour(0.1, 0.5)));
  cv::circle(rgb, cv::Point(150, 200), 30, cv::Scalar(he_colour(1.0, 0.1)), cv::FILLED);
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(dir / "slide.png", bgr);
  Slide s;
  s.name = "drawn";
  s.source_path = dir / "slide.png";
  s.spot_ids = {"a", "b", "c"};
  s.pixel_x = {150, 450, 595};
  s.pixel_y = {200, 200, 200};
  s.um_per_px = 0.5;
  s.image = open_image(dir / "slide.png");
  return s;
}

// The drawn slide and the builtin encoder on 56 µm patches of 112 px, cached under dir/cache.
struct DrawnSlideEncoding {
  test::TempDir dir;
  Slide slide = drawn_slide(dir);
  EncoderOptions options = [] {
    EncoderOptions o;
    o.patch = {56.0, 112};
    return o;
  }();
  std::unique_ptr<Encoder> encoder = make_encoder(options);

  CacheResult encode(const Slide& s, bool overwrite = false) const {
    return encode_with_cache(s, *encoder, options.patch, dir / "cache", overwrite);
  }
};

TEST(BuiltinEncoder, DeterministicWithOffImageFlags) {
  const DrawnSlideEncoding drawn;
  const Slide& slide = drawn.slide;
  const auto& encoder = drawn.encoder;
  EXPECT_EQ(encoder->dim(), 60);
  std::vector<uint8_t> off1, off2;
  const auto a = encoder->encode(slide, off1);
  const auto b = encoder->encode(slide, off2);
  EXPECT_EQ(a, b);
  EXPECT_EQ(off1, (std::vector<uint8_t>{0, 0, 1}));
  // The spot over the dark circle has more hematoxylin than the one on plain stroma.
  EXPECT_GT(a[0], a[60]);  // spot_H_mean of a vs b
  EncoderOptions unknown;
  unknown.name = "uni";
  EXPECT_STX_ERROR(make_encoder(unknown), ConfigError, "choose builtin, torchscript, vit");
}

TEST(FeatureCache, ReusedOnlyForTheSameKey) {
  const DrawnSlideEncoding drawn;
  const Slide& slide = drawn.slide;
  const auto first = drawn.encode(slide);
  EXPECT_FALSE(first.reused);
  const auto second = drawn.encode(slide);
  EXPECT_TRUE(second.reused);
  EXPECT_EQ(second.path, first.path);
  EXPECT_EQ(second.features.values, first.features.values);
  EXPECT_EQ(second.features.off_image, first.features.off_image);
  const h5::File stored = h5::File::open_read(second.path);  // the file records whose features they are
  EXPECT_EQ(stored.read_strings("/spot_ids"), slide.spot_ids);
  EXPECT_EQ(stored.read_numeric<double>("/spatial"), (std::vector<double>{150, 200, 450, 200, 595, 200}));
  Slide other = slide;
  other.spot_ids[2] = "another";
  EXPECT_STX_ERROR(load_features(second.path, other), FormatError, "record other spots than those of slide");
  // Moving a spot or changing the patch gives another key, hence another file.
  Slide moved = slide;
  moved.pixel_x[1] += 1;
  EXPECT_NE(drawn.encode(moved).path, first.path);
  PatchGeometry bigger{112.0, 112};
  EXPECT_NE(feature_cache_key(slide, *drawn.encoder, bigger), first.features.key);
  EXPECT_FALSE(drawn.encode(slide, true).reused);
  // A damaged cache file is an error naming it, not silently trusted.
  test::write_text(first.path, "garbage");
  EXPECT_STX_ERROR(drawn.encode(slide), FormatError, "not an HDF5 file");
}

// The cache is keyed by the image's content, not its path, and checks its own values (#18).
TEST(FeatureCache, KeyedByImageContentAndChecksummed) {
  const DrawnSlideEncoding drawn;
  const Slide& slide = drawn.slide;
  const auto& dir = drawn.dir;
  const auto first = drawn.encode(slide);
  // Another picture saved under the same path, same size: not the cached features.
  cv::Mat other(400, 600, CV_8UC3, cv::Scalar(he_colour(0.9, 0.2)));
  cv::imwrite(dir / "slide.png", other);
  Slide replaced = slide;
  replaced.image = open_image(dir / "slide.png");
  const auto second = drawn.encode(replaced);
  EXPECT_FALSE(second.reused);
  EXPECT_NE(second.path, first.path);
  EXPECT_NE(second.features.values, first.features.values);
  // A cache file whose values no longer match their checksum is refused, naming it.
  const EncodedFeatures good = load_features(second.path, replaced);
  const std::string tampered = dir / "cache/tampered.h5";
  {
    const size_t n = replaced.spot_ids.size(), d = good.feature_names.size();
    h5::File f = h5::File::create(tampered, tampered);
    f.write_string_attribute("/", "key", good.key);
    f.write_string_attribute("/", "values_fnv1a64", "0123456789abcdef");
    f.write_numeric("/features", good.values, {n, d});
    f.write_strings("/spot_ids", replaced.spot_ids);
    f.write_strings("/feature_names", good.feature_names);
    f.write_numeric("/spatial", h5::File::open_read(second.path).read_numeric<double>("/spatial"), {n, 2});
    f.write_numeric("/off_image", std::vector<int8_t>(good.off_image.begin(), good.off_image.end()), {n});
    f.close();
  }
  EXPECT_STX_ERROR(load_features(tampered, replaced), FormatError, "tampered.h5: damaged feature cache");
  EXPECT_EQ(load_features(second.path, replaced).values, second.features.values);  // the intact one loads
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

TEST(FeatureCache, StainReferenceChangesFeaturesAndKey) {
  // Demo section C5, normalised to the stains of a tile of section C2 (cut here).
  test::TempDir dir;
  ReadOptions read;
  read.input = std::string(test::kDemoDir) + "/her2st";
  read.section = "C5";
  const Slide slide = read_slide(read);
  const auto c2 = open_image(std::string(test::kDemoDir) + "/her2st/images/C2.jpg");
  cv::Mat tile, bgr;
  cv::cvtColor(c2->read_region(cv::Rect2d(2500, 2000, 800, 800), cv::Size(400, 400)), bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(dir / "reference.png", bgr);

  EncoderOptions plain;
  plain.patch = {56.0, 32};
  EncoderOptions normalised = plain;
  normalised.stain_reference = dir / "reference.png";
  const auto a = make_encoder(plain), b = make_encoder(normalised);
  EXPECT_EQ(a->preprocessing(), "");
  EXPECT_EQ(b->preprocessing().rfind("macenko:", 0), 0u);
  EXPECT_NE(feature_cache_key(slide, *a, plain.patch), feature_cache_key(slide, *b, plain.patch));
  std::vector<uint8_t> off;
  const auto fa = a->encode(slide, off), fb = b->encode(slide, off);
  ASSERT_EQ(fa.size(), fb.size());
  EXPECT_NE(fa, fb);
  for (float v : fb) ASSERT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace stx
