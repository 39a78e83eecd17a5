// H<->H: each spot attends to its K nearest spots with a learned bias on their offset in µm
// (relative positions only, so the result does not depend on where the slide sits in the
// image). Cost is O(N K D), linear in spots, which is what lets QuadFlow run on whole slides
// of 10^5-10^6 spots where full attention (O(N^2)) cannot; the gathered neighbours are not
// kept for backward (neighbourhood_kernel.hpp), so memory is O(N D + N K H).
// Mirrors neighbourhood attention (Hassani et al. 2023) on an irregular spot graph, with the
// Swin-style relative-position bias replaced by a small MLP of the continuous offset.
// Legend: N spots, K neighbours, D width, H heads, E = D / H.
#pragma once

#include "stx/model/dropout.hpp"
#include "stx/model/neighbourhood.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

class NeighbourhoodAttentionImpl : public torch::nn::Module {
 public:
  NeighbourhoodAttentionImpl(int64_t width, int64_t heads, double dropout);

  /// tokens (N, D) -> (N, D)
  torch::Tensor forward(const torch::Tensor& tokens, const Neighbourhood& neighbourhood);

  /// Spots per block of the offset-bias MLP when no gradient is recorded (predicting).
  static constexpr int64_t kBiasBlock = int64_t{1} << 16;

 private:
  /// offsets (N, K, 2) µm -> the attention bias (N, K, H); in blocks of spots when predicting
  torch::Tensor offset_bias(const torch::Tensor& offset_um);

  int64_t heads_;
  torch::nn::Linear qkv_{nullptr}, out_{nullptr};
  torch::nn::Sequential offset_bias_{nullptr};  // (.., 2) µm/100 -> (.., H)
  SeededDropout dropout_{nullptr};
};
TORCH_MODULE(NeighbourhoodAttention);

}  // namespace stx
