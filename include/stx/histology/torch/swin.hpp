// A native Swin Transformer (Liu et al. 2021; v1: shifted 7 x 7 windows, relative position
// bias, patch merging) for CTransPath, whose published weights are a timm 0.5
// swin_tiny_patch4_window7_224 with a convolutional stem in place of the 4 x 4 patch embedding.
// Loaded from .pth/.bin or .safetensors with no Python. Parameter names follow timm
// (patch_embed.proj[.N], patch_embed.norm, layers.K.blocks.J.{norm1,attn.qkv,attn.proj,
// attn.relative_position_bias_table,norm2,mlp.fc1,mlp.fc2}, layers.K.downsample.{norm,
// reduction}, norm), with the downsampling at the end of a stage (timm 0.5) or at the start
// of the next (timm >= 0.9); torchvision's swin_t names are mapped onto them. The architecture
// is read off the weights (embedding width, stem, depths, heads, window); the input size is
// 224 unless told. Output: the mean of the last stage's normalised tokens. Torch behind a pimpl.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"

namespace stx {

struct SwinShape {
  int64_t embed = 0;            // width of the first stage; doubles at each merge
  bool conv_stem = false;       // CTransPath's stem: 3x3/2 conv-BN-ReLU twice, then 1x1 conv
  int64_t patch = 4;            // total stride of the stem
  std::vector<int64_t> depths, heads;
  int64_t window = 7;
  int64_t image = 224;
  int64_t features() const { return embed << (depths.empty() ? 0 : depths.size() - 1); }
};

class NativeSwin {
 public:
  /// Loads weights strictly: FormatError lists every missing, unexpected or mis-shaped tensor.
  explicit NativeSwin(const std::string& weights_path, int threads = 0, int64_t image_size = 224);
  ~NativeSwin();

  const SwinShape& shape() const;
  /// Runs the model in bfloat16 from now on (weights and activations; features come back as
  /// float). On CPUs with avx512_bf16 about 3x faster; see docs/histology.md for the accuracy.
  void use_bfloat16();
  /// Moves the model to "cpu", "cuda" or "auto" (ConfigError when CUDA is asked for and absent).
  void use_device(const std::string& device);

  /// Features of 8-bit RGB patches (resized to the input size), ImageNet-normalised: (B, F).
  std::vector<float> encode_patches(const std::vector<cv::Mat>& patches) const;
  /// Features of already-normalised images (B, 3, S, S) row-major: (B, F).
  std::vector<float> forward(const std::vector<float>& images, int64_t batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The encoder face of NativeSwin (`--encoder swin --weights ctranspath.pth`): patches cut at
/// the encoder's geometry, resized to 224 px, ImageNet-normalised.
std::unique_ptr<Encoder> make_swin_encoder(const EncoderOptions& options);

/// torchvision swin_t name -> timm 0.5 name; "" for what is not loaded (classifier,
/// relative_position_index). Unknown names are returned unchanged.
std::string torchvision_to_timm_swin_name(const std::string& name);

}  // namespace stx
