// A native Vision Transformer (Dosovitskiy et al. 2021) for pathology foundation models that
// publish ViT weights (UNI: timm ViT-L/16 with layer scale; Phikon: Hugging Face ViT-B/16),
// loaded from .safetensors or PyTorch .pth/.bin with no Python. Parameter names follow timm
// (cls_token, reg_token, pos_embed, patch_embed.proj, blocks.N.{norm1,attn.qkv,attn.proj,ls1,
// norm2,mlp.fc1,mlp.fc2,ls2}, norm); torchvision's and Hugging Face transformers' ViTModel
// names are mapped onto them (HF's separate query/key/value fused). The architecture is read
// off the weights: width, depth, patch, image size, layer scale, register tokens, whether the
// position embeddings cover the class token; heads = width / 64 (the ViT convention);
// LayerNorm eps 1e-6 (timm, torchvision) or 1e-12 (transformers). Output: the class token
// after the final norm. Torch stays behind a pimpl.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/torch/vit_tail_shape.hpp"

namespace stx {

enum class ViTNaming { timm, torchvision, huggingface };

struct ViTShape {
  int64_t width = 0, depth = 0, heads = 0, patch = 0, image = 0, mlp = 0;
  int64_t registers = 0;             // register tokens after the class token (timm reg_token)
  bool layer_scale = false;          // timm ls1/ls2 (init_values set)
  bool pos_embed_has_prefix = true;  // false: timm's no_embed_class (patches only)
  double norm_eps = 1e-6;
  ViTNaming naming = ViTNaming::timm;
};

class NativeViT {
 public:
  /// Loads weights (.safetensors, .pth, .bin) strictly: FormatError lists every missing, unexpected or mis-shaped tensor.
  explicit NativeViT(const std::string& safetensors_path, int threads = 0);
  ~NativeViT();

  const ViTShape& shape() const;
  /// Runs the model in bfloat16 from now on (weights and activations; features come back as
  /// float). On CPUs with avx512_bf16 about 3x faster; see docs/histology.md for the accuracy.
  void use_bfloat16();
  /// Moves the model to "cpu", "cuda" or "auto" (ConfigError when CUDA is asked for and absent).
  void use_device(const std::string& device);

  /// CLS features of 8-bit RGB patches (resized to the model's image size), normalised with
  /// ImageNet mean/std: (B, width) row-major.
  std::vector<float> encode_patches(const std::vector<cv::Mat>& patches) const;
  /// Tokens (B, token_count(), width) after the first depth - tail_blocks blocks: what a
  /// fine-tuned tail (vit_tail.hpp) starts from.
  std::vector<float> prefix_tokens(const std::vector<cv::Mat>& patches, int64_t tail_blocks) const;
  /// Class token, register tokens and one per image patch.
  int64_t token_count() const;
  /// CLS features of already-normalised images (B, 3, S, S) row-major: (B, width).
  std::vector<float> forward(const std::vector<float>& images, int64_t batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The encoder face of NativeViT (`--encoder vit --weights model.safetensors`): patches cut
/// at the encoder's geometry, resized to the model's input, ImageNet-normalised.
std::unique_ptr<Encoder> make_vit_encoder(const EncoderOptions& options);

/// vit.prefix_tokens for every spot of `slide`, patches cut (and stain-normalised) as
/// `options` say: (N, vit.token_count(), width) row-major.
std::vector<float> encode_vit_tokens(const Slide& slide, const NativeViT& vit, const EncoderOptions& options,
                                     int64_t tail_blocks);

/// torchvision VisionTransformer name -> timm name; "" for parameters that are not part of
/// the encoder (the classification head). Unknown names are returned unchanged.
std::string torchvision_to_timm_vit_name(const std::string& name);

/// Hugging Face transformers ViTModel name -> timm name, for every parameter but the separate
/// query/key/value projections (fused by the loader); "" for the pooler and classifier.
std::string huggingface_to_timm_vit_name(const std::string& name);

}  // namespace stx
