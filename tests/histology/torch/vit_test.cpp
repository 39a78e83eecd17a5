// The native ViT against references: tests/fixtures/make_vit_fixture.py saved a tiny
// torchvision VisionTransformer as safetensors and torch.save .pth (torchvision names), as a
// Hugging Face-named training checkpoint (.bin), and as timm weights with layer scale and
// register tokens, each with the reference's CLS features on four patches.
#include "stx/histology/torch/vit.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "stx/stats/stats.hpp"
#include "stx/histology/torch/vit_tail.hpp"
#include "stx/histology/weights/weights.hpp"
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

std::vector<float> expected(const std::string& name = "expected_cls.tsv") {
  std::ifstream in(test::fixture("vit/" + name));
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

float max_difference(const NativeViT& vit, const std::string& expected_file) {
  const auto got = vit.encode_patches(patches());
  const auto want = expected(expected_file);
  EXPECT_EQ(got.size(), want.size());
  float worst = 0;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  return worst;
}

TEST(NativeViT, ReadsTorchSaveCheckpoints) {
  // the .pth (zip + pickle) holds exactly the tensors of the safetensors file
  const StateDict pth = read_torch_checkpoint(test::fixture("vit/tiny_vit_torchvision.pth"));
  const StateDict st = read_safetensors(test::fixture("vit/tiny_vit_torchvision.safetensors"));
  ASSERT_EQ(pth.size(), st.size());
  for (const auto& [name, tensor] : st) {
    ASSERT_TRUE(pth.count(name)) << name;
    EXPECT_EQ(pth.at(name).shape, tensor.shape) << name;
    EXPECT_EQ(pth.at(name).values, tensor.values) << name;
  }
  const NativeViT vit(test::fixture("vit/tiny_vit_torchvision.pth"), 1);
  EXPECT_LE(max_difference(vit, "expected_cls.tsv"), 1e-4f);
}

// Phikon's naming: separate q/k/v (saved as views into one storage), "vit." prefix, pooler,
// a non-contiguous weight, all inside {"model": ..., "epoch": 3}; LayerNorm eps 1e-12.
// Fine-tuning splits the ViT: the frozen first blocks give tokens once, the trainable tail
// turns them into the features. Together they must be the whole model, in inference (the
// fused attention kernel) and in training mode (the explicit attention autograd sees).
TEST(NativeViT, PrefixTokensThroughTheTailAreTheFeatures) {
  const std::string path = test::fixture("vit/tiny_vit_torchvision.pth");
  const NativeViT vit(path, 1);
  const auto features = vit.encode_patches(patches());
  EXPECT_EQ(vit.token_count(), 17);  // class token + 4 x 4 patches
  for (int64_t blocks : {1, 2}) {
    const auto tokens = vit.prefix_tokens(patches(), blocks);
    ASSERT_EQ(static_cast<int64_t>(tokens.size()), 4 * 17 * 64);
    ViTTail tail = load_vit_tail(path, blocks);
    EXPECT_EQ(tail->shape().blocks, blocks);
    EXPECT_EQ(tail->shape().width, 64);
    const auto input = torch::tensor(tokens).view({4, 17, 64});
    for (bool training : {false, true}) {
      torch::Tensor out;
      if (training) {
        tail->train();
        out = tail->forward(input);
        EXPECT_TRUE(out.requires_grad());
      } else {
        torch_compat::InferenceGuard guard;
        tail->eval();
        out = tail->forward(input);
      }
      const auto got = torch::tensor(features).view({4, 64});
      const float worst = (out.detach() - got).abs().max().item<float>();
      EXPECT_LE(worst, 1e-5f) << blocks << " block(s), training " << training;
    }
  }
  EXPECT_STX_ERROR(load_vit_tail(path, 3), ConfigError, "cannot fine-tune 3 blocks of a ViT with 2");
  EXPECT_STX_ERROR(vit.prefix_tokens(patches(), 0), ConfigError, "cannot fine-tune 0 blocks");
}

TEST(NativeViT, MatchesHuggingFaceViTModelNaming) {
  const NativeViT vit(test::fixture("vit/tiny_vit_hf.bin"), 1);
  EXPECT_EQ(vit.shape().naming, ViTNaming::huggingface);
  EXPECT_EQ(vit.shape().norm_eps, 1e-12);
  EXPECT_EQ(vit.shape().depth, 2);
  const float worst = max_difference(vit, "expected_cls_hf.tsv");
  EXPECT_LE(worst, 1e-4f);
  std::cout << "native ViT (HF names, .bin) vs torchvision: max abs difference " << worst << "\n";
}

// UNI-style timm weights: layer scale; and register tokens with patch-only position
// embeddings (timm's no_embed_class), against a transcription of timm's forward.
TEST(NativeViT, LayerScaleAndRegisterTokensMatchTimm) {
  const NativeViT vit(test::fixture("vit/tiny_vit_timm_ls_reg.safetensors"), 1);
  EXPECT_TRUE(vit.shape().layer_scale);
  EXPECT_EQ(vit.shape().registers, 2);
  EXPECT_FALSE(vit.shape().pos_embed_has_prefix);
  EXPECT_EQ(vit.shape().image, 64);
  const float worst = max_difference(vit, "expected_cls_timm.tsv");
  EXPECT_LE(worst, 1e-4f);
  std::cout << "native ViT (layer scale, registers) vs timm transcription: max abs difference " << worst << "\n";
}

// bfloat16 (the fused attention kernel included): close to float32, r > 0.999 and max abs
// difference < 3% of the largest feature.
TEST(NativeViT, Bfloat16StaysCloseToFloat32) {
  NativeViT vit(test::fixture("vit/tiny_vit_torchvision.pth"), 1);
  const auto full = vit.encode_patches(patches());
  vit.use_bfloat16();
  const auto half = vit.encode_patches(patches());
  ASSERT_EQ(full.size(), half.size());
  float worst = 0, largest = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    worst = std::max(worst, std::abs(full[i] - half[i]));
    largest = std::max(largest, std::abs(full[i]));
  }
  EXPECT_GT(worst, 0.f);
  EXPECT_LT(worst, 0.03f * largest);
  EXPECT_GT(pearson(std::vector<double>(full.begin(), full.end()), std::vector<double>(half.begin(), half.end())), 0.999);
  std::cout << "ViT bf16 vs float32: max abs difference " << worst << " of " << largest << "\n";
}

// --device: auto is the CPU here (and CUDA where LibTorch has it: the features must agree).
TEST(NativeViT, DeviceChoice) {
  NativeViT vit(test::fixture("vit/tiny_vit_torchvision.pth"), 1);
  vit.use_device("auto");
  EXPECT_LE(max_difference(vit, "expected_cls.tsv"), 1e-4f);
  if (!torch::cuda::is_available())
    EXPECT_STX_ERROR(vit.use_device("cuda"), ConfigError, "--device cuda: this LibTorch sees no CUDA device");
  EXPECT_STX_ERROR(vit.use_device("tpu"), ConfigError, "--device: 'tpu' is not one of cpu, cuda, auto");
}

// Writes a state dict as safetensors (F32), the format read_weights reads back.
void write_safetensors(const StateDict& weights, const std::string& path) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, t] : weights) {
    const size_t begin = data.size();
    data.append(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
    header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
  }
  const std::string text = header.dump();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[static_cast<size_t>(i)] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  test::write_text(path, bytes + text + data);
}

// Weights that would divide by zero while the model is built (a (64, 3, 0, 0) patch
// embedding was a SIGFPE), or that hold NaN, are refused naming the tensor (#18).
TEST(NativeViT, DegenerateOrNonFiniteWeightsAreRefused) {
  test::TempDir dir;
  const StateDict good = read_weights(test::fixture("vit/tiny_vit_torchvision.safetensors"));
  write_safetensors(good, dir / "same.safetensors");
  EXPECT_NO_THROW(NativeViT(dir / "same.safetensors", 1));  // the writer round-trips
  StateDict zero = read_safetensors(dir / "same.safetensors");
  for (auto& [name, t] : zero)
    if (t.shape.size() == 4) {  // the patch embedding: (D, 3, P, P) -> (D, 3, 0, 0)
      t.shape[2] = t.shape[3] = 0;
      t.values.clear();
    }
  write_safetensors(zero, dir / "zero.safetensors");
  EXPECT_STX_ERROR(NativeViT(dir / "zero.safetensors", 1), FormatError, "expected (width, 3, patch, patch)");
  StateDict nan = read_safetensors(dir / "same.safetensors");
  nan.begin()->second.values[0] = std::nanf("");
  write_safetensors(nan, dir / "nan.safetensors");
  EXPECT_STX_ERROR(NativeViT(dir / "nan.safetensors", 1), FormatError, "holds NaN or infinite values");
}

TEST(NativeViT, NameMapping) {
  EXPECT_EQ(torchvision_to_timm_vit_name("encoder.layers.encoder_layer_11.self_attention.in_proj_weight"),
            "blocks.11.attn.qkv.weight");
  EXPECT_EQ(torchvision_to_timm_vit_name("encoder.layers.encoder_layer_0.mlp.3.bias"), "blocks.0.mlp.fc2.bias");
  EXPECT_EQ(torchvision_to_timm_vit_name("heads.head.weight"), "");
  EXPECT_EQ(huggingface_to_timm_vit_name("encoder.layer.3.intermediate.dense.weight"), "blocks.3.mlp.fc1.weight");
  EXPECT_EQ(huggingface_to_timm_vit_name("encoder.layer.3.output.dense.bias"), "blocks.3.mlp.fc2.bias");
  EXPECT_EQ(huggingface_to_timm_vit_name("encoder.layer.0.attention.output.dense.weight"), "blocks.0.attn.proj.weight");
  EXPECT_EQ(huggingface_to_timm_vit_name("pooler.dense.weight"), "");
  EXPECT_EQ(huggingface_to_timm_vit_name("embeddings.mask_token"), "");
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
