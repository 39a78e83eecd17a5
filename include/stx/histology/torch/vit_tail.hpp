// The last k blocks of a native ViT and its final norm as a trainable module, for fine-tuning
// the encoder end to end with QuadFlow: the frozen first blocks turn each patch into tokens
// once (encode_vit_tokens in vit.hpp), and training runs only this tail on them, so a step
// costs k blocks instead of the whole encoder. Torch-facing: include from LibTorch code only.
#pragma once

#include <cstdint>
#include <string>

#include "stx/histology/torch/vit.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

class ViTTailImpl : public torch::nn::Module {
 public:
  explicit ViTTailImpl(const ViTTailShape& shape);
  /// Tokens after the frozen blocks (N, T, D) -> the class token after the final norm (N, D),
  /// the encoder's features.
  torch::Tensor forward(const torch::Tensor& tokens);
  const ViTTailShape& shape() const { return shape_; }

 private:
  ViTTailShape shape_;
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(ViTTail);

/// The last `blocks` blocks and the final norm of the ViT in `weights_path`, with its weights
/// (a copy: training it leaves nothing else changed). ConfigError unless 1 <= blocks <= depth.
ViTTail load_vit_tail(const std::string& weights_path, int64_t blocks);

}  // namespace stx
