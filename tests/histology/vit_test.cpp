// The native ViT against torchvision: tests/fixtures/make_vit_fixture.py saved a tiny
// torchvision VisionTransformer (torchvision names) and its CLS features on four patches.
#include "stx/histology/vit.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "stx/histology/weights.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

std::vector<cv::Mat> patches() {
  std::vector<cv::Mat> out;
  for (int i = 0; i < 4; ++i) {
    cv::Mat rgb;
    cv::cvtColor(cv::imread(test::fixture("torchscript/patch_" + std::to_string(i) + ".png")), rgb, cv::COLOR_BGR2RGB);
    out.push_back(rgb);
  }
  return out;
}

std::vector<float> expected() {
  std::ifstream in(test::fixture("vit/expected_cls.tsv"));
  std::vector<float> values;
  std::string line, cell;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    while (std::getline(row, cell, '\t')) values.push_back(std::stof(cell));
  }
  return values;
}

TEST(NativeViT, MatchesTorchvision) {
  const NativeViT vit(test::fixture("vit/tiny_vit_torchvision.safetensors"), 1);
  EXPECT_EQ(vit.shape().width, 64);
  EXPECT_EQ(vit.shape().depth, 2);
  EXPECT_EQ(vit.shape().patch, 16);
  EXPECT_EQ(vit.shape().image, 64);
  EXPECT_EQ(vit.shape().mlp, 256);
  const auto got = vit.encode_patches(patches());
  const auto want = expected();
  ASSERT_EQ(got.size(), want.size());
  float worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  EXPECT_LE(worst, 1e-4f);
  std::cout << "native ViT vs torchvision: max abs difference " << worst << "\n";
}

TEST(NativeViT, NameMapping) {
  EXPECT_EQ(torchvision_to_timm_vit_name("encoder.layers.encoder_layer_11.self_attention.in_proj_weight"),
            "blocks.11.attn.qkv.weight");
  EXPECT_EQ(torchvision_to_timm_vit_name("encoder.layers.encoder_layer_0.mlp.3.bias"), "blocks.0.mlp.fc2.bias");
  EXPECT_EQ(torchvision_to_timm_vit_name("heads.head.weight"), "");
}

TEST(NativeViT, WrongWeightsListEveryMismatch) {
  test::TempDir dir;
  // Rewrite the fixture with one tensor renamed: strict loading names both sides.
  std::string bytes = test::read_text(test::fixture("vit/tiny_vit_torchvision.safetensors"));
  const size_t at = bytes.find("encoder.ln.bias");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 15, "encoder.ln.bios");
  test::write_text(dir / "renamed.safetensors", bytes);
  EXPECT_STX_ERROR(NativeViT(dir / "renamed.safetensors"), FormatError,
                   "2 weight mismatch(es): missing norm.bias (64); unexpected encoder.ln.bios (64)");
  EXPECT_STX_ERROR(NativeViT(test::fixture("weights.safetensors")), FormatError, "not ViT weights");
}

}  // namespace
}  // namespace stx
