// The shape of a ViT's fine-tuned last blocks (torch side: torch/vit_tail.hpp), stored in
// QuadFlow checkpoints so that stx predict can rebuild them. Torch-free.
#pragma once

#include <cstdint>

namespace stx {

struct ViTTailShape {
  int64_t blocks = 0;  // 0: no tail (the encoder stays frozen)
  int64_t width = 0, heads = 0, mlp = 0;
  bool layer_scale = false;
  double norm_eps = 1e-6;
};

}  // namespace stx
