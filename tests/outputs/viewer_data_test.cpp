// The viewer's data: 16-bit values between the finite minimum and maximum (65535 = missing),
// base64 as RFC 4648's test vectors, and a manifest that states each layer's range and its
// 1st and 99th percentiles (NumPy's interpolation, worked by hand), the spots and the domains.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "stx/core/base64.hpp"
#include "stx/outputs/viewer.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Base64, MatchesRfc4648) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(ViewerData, ValuesAreSixteenBitStepsOfTheirRange) {
  double lo = 0, hi = 0;
  const std::string q = quantise_values({2.0f, 4.0f, NAN, 3.0f}, lo, hi);
  EXPECT_EQ(lo, 2.0);
  EXPECT_EQ(hi, 4.0);
  const std::vector<uint16_t> expected = {0, 65534, 65535, 32767};
  EXPECT_EQ(q, base64(std::string(reinterpret_cast<const char*>(expected.data()), 8)));
  const std::vector<uint16_t> flat = {0, 0};  // one value: every spot at the bottom
  EXPECT_EQ(quantise_values({5.0f, 5.0f}, lo, hi), base64(std::string(reinterpret_cast<const char*>(flat.data()), 4)));
}

TEST(ViewerData, ManifestStatesRangesPercentilesAndDomains) {
  test::TempDir dir;
  Slide slide;
  slide.name = "S1";
  for (int i = 0; i < 100; ++i) {
    slide.spot_ids.push_back("s" + std::to_string(i));
    slide.pixel_x.push_back(10.0 * i);
    slide.pixel_y.push_back(5.0);
  }
  slide.spot_diameter_px = 40;
  ViewerLayer a{"HALLMARK_A", "pathway", "predicted", "score", {}};
  for (int i = 1; i <= 100; ++i) a.values.push_back(static_cast<float>(i));
  ViewerLayer b{"ERBB2", "gene", "measured", "log1p CP10k", std::vector<float>(100, NAN)};
  b.values[3] = 1.5f;
  std::vector<std::string> classes(100);
  classes[0] = "domain 2";
  classes[1] = "domain 1";
  DeepZoomPyramid pyramid;
  pyramid.width = 1000;
  pyramid.height = 50;
  write_viewer_data(dir.path().string(), slide, {a, b}, classes, pyramid, DeepZoomOptions{});
  std::string js = read_file(dir / "data.js");
  const std::string prefix = "window.STX_VIEW = ";
  ASSERT_EQ(js.rfind(prefix, 0), 0u);
  const auto m = nlohmann::json::parse(js.substr(prefix.size(), js.size() - prefix.size() - 2));
  EXPECT_EQ(m["spots"], 100);
  EXPECT_EQ(m["objects"], "spots");  // no µm per pixel: not known to be cells
  EXPECT_EQ(m["spot_ids"][99], "s99");
  EXPECT_EQ(m["image"]["width"], 1000);
  ASSERT_EQ(m["layers"].size(), 2u);
  // 1..100: p1 = 1 + 0.01 * 99 = 1.99, p99 = 99.01
  EXPECT_NEAR(m["layers"][0]["p1"].get<double>(), 1.99, 1e-9);
  EXPECT_NEAR(m["layers"][0]["p99"].get<double>(), 99.01, 1e-9);
  EXPECT_EQ(m["layers"][0]["lo"], 1.0);
  EXPECT_EQ(m["layers"][0]["hi"], 100.0);
  EXPECT_EQ(m["layers"][1]["missing"], 99);
  EXPECT_EQ(m["layers"][1]["source"], "measured");
  EXPECT_EQ(m["domains"]["names"], nlohmann::json::array({"domain 1", "domain 2"}));
  EXPECT_EQ(m["domains"]["colours"][0], "#1f77b4");  // tab10's first, as the domain maps
  EXPECT_EQ(m["viridis"][0], "#440154");
  EXPECT_EQ(m["viridis"][255], "#fde725");
  double lo = 0, hi = 0;
  EXPECT_EQ(read_file(dir / "values/1.js"), "STX_VIEW_VALUES(1, \"" + quantise_values(b.values, lo, hi) + "\");\n");
  EXPECT_THROW(write_viewer_data(dir.path().string(), slide, {a}, {"one"}, pyramid, DeepZoomOptions{}), ShapeError);
}

}  // namespace
}  // namespace stx
