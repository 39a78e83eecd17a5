// The native Swin against torchvision (tests/fixtures/make_swin_fixture.py): a tiny randomised
// swin_t-style network saved by torch.save under torchvision's names, and the same network
// with CTransPath's convolutional stem under timm 0.5 names, on a deterministic input pattern.
#include "stx/histology/torch/swin.hpp"

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "stx/stats/stats.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// x[n, c, h, w] = sin(0.37 h + 0.23 w + 1.1 c + 2.3 n), as the fixture script computes it.
std::vector<float> pattern(int64_t size, int64_t batch = 2) {
  std::vector<float> x;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t h = 0; h < size; ++h)
        for (int64_t w = 0; w < size; ++w)
          x.push_back(static_cast<float>(std::sin(0.37 * double(h) + 0.23 * double(w) + 1.1 * double(c) + 2.3 * double(n))));
  return x;
}

std::vector<float> read_tsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<float> values;
  for (std::string line, cell; std::getline(in, line);)
    for (std::istringstream row(line); std::getline(row, cell, '\t');) values.push_back(std::stof(cell));
  return values;
}

float max_difference(const NativeSwin& swin, const std::string& expected_file) {
  const auto got = swin.forward(pattern(swin.shape().image), 2);
  const auto want = read_tsv(test::fixture("swin/" + expected_file));
  EXPECT_EQ(got.size(), want.size());
  float worst = 0;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  std::cout << "native Swin vs torchvision (" << expected_file << "): max abs difference " << worst << "\n";
  return worst;
}

TEST(NativeSwin, MatchesTorchvisionSwin) {
  const NativeSwin swin(test::fixture("swin/tiny_swin_torchvision.pth"), 1);
  EXPECT_EQ(swin.shape().embed, 16);
  EXPECT_EQ(swin.shape().depths, (std::vector<int64_t>{2, 2, 1}));
  EXPECT_EQ(swin.shape().heads, (std::vector<int64_t>{1, 2, 2}));
  EXPECT_EQ(swin.shape().window, 7);
  EXPECT_EQ(swin.shape().features(), 64);
  EXPECT_FALSE(swin.shape().conv_stem);
  EXPECT_LE(max_difference(swin, "expected_swin_224.tsv"), 1e-5f);
}

// 200 px: 50 x 50 tokens padded to whole windows under a shifted window, odd-sized merges.
TEST(NativeSwin, PadsToWholeWindowsLikeTorchvision) {
  const NativeSwin swin(test::fixture("swin/tiny_swin_torchvision.pth"), 1, 200);
  EXPECT_LE(max_difference(swin, "expected_swin_200.tsv"), 1e-5f);
}

// CTransPath's layout: ConvStem (BatchNorm running statistics loaded), timm 0.5 names with
// relative_position_index and attn_mask buffers, inside {"model": ...}.
TEST(NativeSwin, LoadsCTransPathLayout) {
  const NativeSwin swin(test::fixture("swin/tiny_ctranspath.pth"), 1);
  EXPECT_TRUE(swin.shape().conv_stem);
  EXPECT_LE(max_difference(swin, "expected_ctranspath_224.tsv"), 1e-5f);
}

// bfloat16: close to float32 (stated tolerance: r > 0.999, max abs difference < 3% of the
// largest feature), not equal.
TEST(NativeSwin, Bfloat16StaysCloseToFloat32) {
  NativeSwin swin(test::fixture("swin/tiny_swin_torchvision.pth"), 1);
  const auto x = pattern(224);
  const auto full = swin.forward(x, 2);
  swin.use_bfloat16();
  const auto half = swin.forward(x, 2);
  ASSERT_EQ(full.size(), half.size());
  float worst = 0, largest = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    worst = std::max(worst, std::abs(full[i] - half[i]));
    largest = std::max(largest, std::abs(full[i]));
  }
  EXPECT_GT(worst, 0.f);  // it did run in bfloat16
  EXPECT_LT(worst, 0.03f * largest);
  EXPECT_GT(pearson(std::vector<double>(full.begin(), full.end()), std::vector<double>(half.begin(), half.end())), 0.999);
  std::cout << "Swin bf16 vs float32: max abs difference " << worst << " of " << largest << "\n";
}

TEST(NativeSwin, NameMappingAndWrongWeights) {
  EXPECT_EQ(torchvision_to_timm_swin_name("features.5.3.mlp.3.weight"), "layers.2.blocks.3.mlp.fc2.weight");
  EXPECT_EQ(torchvision_to_timm_swin_name("features.4.reduction.weight"), "layers.1.downsample.reduction.weight");
  EXPECT_EQ(torchvision_to_timm_swin_name("features.1.1.attn.relative_position_index"), "");
  EXPECT_EQ(torchvision_to_timm_swin_name("head.weight"), "");
  EXPECT_STX_ERROR(NativeSwin(test::fixture("vit/tiny_vit_torchvision.pth")), FormatError, "not Swin weights");
}

}  // namespace
}  // namespace stx
