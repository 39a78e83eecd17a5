// The TorchScript encoder against PyTorch itself: tests/fixtures/make_torchscript_fixture.py
// traced a tiny token model, cut four test patches and saved PyTorch's outputs on them.
#include "stx/histology/torch/torchscript_encoder.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace stx {
namespace {

std::vector<cv::Mat> fixture_patches() {
  std::vector<cv::Mat> patches;
  for (int i = 0; i < 4; ++i) {
    cv::Mat bgr = cv::imread(test::fixture("torchscript/patch_" + std::to_string(i) + ".png"));
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    patches.push_back(rgb);
  }
  return patches;
}

// expected.tsv rows: pooling, patch index, 16 values.
std::vector<float> expected(const std::string& pooling) {
  std::ifstream in(test::fixture("torchscript/expected.tsv"));
  std::vector<float> values;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string kind, index, cell;
    std::getline(row, kind, '\t');
    std::getline(row, index, '\t');
    if (kind != pooling) continue;
    while (std::getline(row, cell, '\t')) values.push_back(std::stof(cell));
  }
  return values;
}

EncoderOptions tiny(const std::string& config = "") {
  EncoderOptions options;
  options.name = "torchscript";
  options.weights = test::fixture("torchscript/tiny_tokens.pt");
  options.config = config;
  options.patch = {32.0, 64};
  options.batch_size = 3;  // 4 patches: a full batch and a partial one
  options.threads = 1;
  return options;
}

TEST(TorchScriptEncoder, MatchesPyTorchForMeanAndClsPooling) {
  for (const std::string pooling : {"mean", "cls"}) {
    const std::string config = pooling == "cls" ? test::fixture("torchscript/tiny_tokens_cls.json") : "";
    const TorchScriptEncoder encoder(tiny(config));
    EXPECT_EQ(encoder.dim(), 16);
    const auto got = encoder.encode_patches(fixture_patches());
    const auto want = expected(pooling);
    ASSERT_EQ(got.size(), want.size()) << pooling;
    float worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
    EXPECT_LE(worst, 1e-5f) << pooling << ": max abs difference " << worst;
    std::cout << "torchscript " << pooling << " pooling vs PyTorch: max abs difference " << worst << "\n";
  }
}

TEST(TorchScriptEncoder, IdentityCarriesTheWeightsHash) {
  const TorchScriptEncoder mean(tiny());
  const TorchScriptEncoder cls(tiny(test::fixture("torchscript/tiny_tokens_cls.json")));
  EXPECT_EQ(mean.identity().rfind("torchscript-tiny-tokens-mean-", 0), 0u) << mean.identity();
  EXPECT_NE(mean.identity(), cls.identity());
}

TEST(TorchScriptEncoder, EncodesASlide) {
  test::TempDir dir;
  cv::Mat big;
  cv::hconcat(fixture_patches(), big);  // 256 x 64: the four patches side by side
  cv::Mat bgr;
  cv::cvtColor(big, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(dir / "strip.png", bgr);
  Slide slide;
  slide.source_path = dir / "strip.png";
  slide.spot_ids = {"p0", "p1", "p2", "p3"};
  slide.pixel_x = {32, 96, 160, 224};
  slide.pixel_y = {32, 32, 32, 32};
  slide.um_per_px = 0.5;  // 32 µm patches = 64 px: exactly the stored patches
  slide.image = open_image(dir / "strip.png");
  std::vector<uint8_t> off;
  const auto got = TorchScriptEncoder(tiny()).encode(slide, off);
  const auto want = expected("mean");
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5) << i;
  EXPECT_EQ(off, (std::vector<uint8_t>{0, 0, 0, 0}));
}

TEST(TorchScriptEncoder, BadFilesGiveClearErrors) {
  test::TempDir dir;
  EncoderOptions options = tiny();
  options.weights = dir / "absent.pt";
  EXPECT_STX_ERROR(TorchScriptEncoder{options}, IoError, "absent.pt: model file not found");
  test::write_text(dir / "fake.pt", "not a zip archive");
  test::write_text(dir / "fake.json", test::read_text(test::fixture("torchscript/tiny_tokens.json")));
  options.weights = dir / "fake.pt";
  EXPECT_STX_ERROR(TorchScriptEncoder{options}, FormatError, "fake.pt: not a TorchScript module");
  test::write_text(dir / "fake.json", "{\"name\": \"x\", \"input_size\": 64, \"mean\": [0.5, 0.5], \"std\": [1, 1, 1], \"output\": \"cls\"}");
  EXPECT_STX_ERROR(TorchScriptEncoder{options}, FormatError, "fake.json: field 'mean': expected 3 numbers");
  // fields of the wrong JSON type (fuzz_torchscript_sidecar): errors, not nlohmann's type_error
  for (const auto& [json, message] : std::vector<std::pair<std::string, std::string>>{
           {"{\"name\": 5, \"input_size\": 64, \"mean\": [0, 0, 0], \"std\": [1, 1, 1], \"output\": \"cls\"}",
            "field 'name': expected a non-empty string"},
           {"{\"name\": \"x\", \"input_size\": 64.5, \"mean\": [0, 0, 0], \"std\": [1, 1, 1], \"output\": \"cls\"}",
            "field 'input_size': expected a whole number of pixels, 16..4096"},
           {"{\"name\": \"x\", \"input_size\": 64, \"mean\": [0, \"0\", 0], \"std\": [1, 1, 1], \"output\": \"cls\"}",
            "field 'mean': expected 3 numbers (R, G, B) of magnitude at most 1e6"},
           {"{\"name\": \"x\", \"input_size\": 64, \"mean\": [0, 0, 0], \"std\": [1, 1, 1], \"output\": [1]}",
            "field 'output': expected vector, cls or mean"},
           {"[1, 2]", "fake.json: not valid JSON (expected an object)"}}) {
    test::write_text(dir / "fake.json", json);
    EXPECT_STX_ERROR(TorchScriptEncoder{options}, FormatError, message);
  }
  options.weights = test::fixture("torchscript/tiny_tokens.pt");
  options.config = dir / "vector.json";
  test::write_text(dir / "vector.json", "{\"name\": \"x\", \"input_size\": 64, \"mean\": [0, 0, 0], \"std\": [1, 1, 1], \"output\": \"vector\"}");
  EXPECT_STX_ERROR(TorchScriptEncoder{options}, FormatError, "sidecar says output 'vector' (B, D) but the model returned 3");
  options.config = dir / "none.json";
  EXPECT_STX_ERROR(TorchScriptEncoder{options}, ConfigError, "needs a JSON sidecar");
}

}  // namespace
}  // namespace stx
