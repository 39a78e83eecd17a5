// A native Vision Transformer (Dosovitskiy et al. 2021) for pathology foundation models that
// publish ViT weights (UNI: timm ViT-L/16; Phikon: ViT-B/16), loaded from .safetensors with
// no Python. Parameter names follow timm (cls_token, pos_embed, patch_embed.proj,
// blocks.N.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}, norm); torchvision's names are
// mapped onto them. The architecture is read off the weights (width, depth, patch, image
// size; heads = width / 64, the ViT convention). Output: the CLS token after the final norm.
// Torch stays behind a pimpl. Not yet: HF transformers names (Phikon's separate q/k/v),
// layer scale, register tokens, the .pth/.bin pickle format.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "stx/histology/encoder.hpp"

namespace stx {

struct ViTShape {
  int64_t width = 0, depth = 0, heads = 0, patch = 0, image = 0, mlp = 0;
};

class NativeViT {
 public:
  /// Loads weights strictly: FormatError lists every missing, unexpected or mis-shaped tensor.
  explicit NativeViT(const std::string& safetensors_path, int threads = 0);
  ~NativeViT();

  const ViTShape& shape() const;
  /// CLS features of 8-bit RGB patches (resized to the model's image size), normalised with
  /// ImageNet mean/std: (B, width) row-major.
  std::vector<float> encode_patches(const std::vector<cv::Mat>& patches) const;
  /// CLS features of already-normalised images (B, 3, S, S) row-major: (B, width).
  std::vector<float> forward(const std::vector<float>& images, int64_t batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The encoder face of NativeViT (`--encoder vit --weights model.safetensors`): patches cut
/// at the encoder's geometry, resized to the model's input, ImageNet-normalised.
std::unique_ptr<Encoder> make_vit_encoder(const EncoderOptions& options);

/// torchvision VisionTransformer name -> timm name; "" for parameters that are not part of
/// the encoder (the classification head). Unknown names are returned unchanged.
std::string torchvision_to_timm_vit_name(const std::string& name);

}  // namespace stx
