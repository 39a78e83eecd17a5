// The core of neighbourhood attention as one autograd function that never keeps the gathered
// neighbour keys and values: the forward pass runs over blocks of spots, and the backward
// pass gathers each block again and applies the softmax-attention gradient written out by
// hand. Peak memory is then O(block K D) on top of the inputs instead of several (N, K, D)
// tensors per layer, which is what a training step over 10^5-10^6 spots needs.
// Legend: N spots, K neighbours, H heads, E = D / H.
#pragma once

#include "stx/torch/torch_compat.hpp"

namespace stx {

/// Spots per block; (block, K, H, E) floats are gathered at a time (16k x 13 x 128: 109 MB).
inline constexpr int64_t kNeighbourhoodBlock = 16384;

/// Slides of at most `block` spots take the plain autograd composition (same arithmetic,
/// fewer, larger operations: faster when memory is no concern); larger ones the blocked kernel.
/// q, k, v (N, H, E); bias (N, K, H) added to the scaled dot products; index (N, K) int64
/// neighbour rows; valid (N, K) bool; keep (N, K, H): the dropout multiplier (0 or 1/(1-p))
/// applied to the attention weights, or an undefined tensor for none. Returns (N, H, E).
/// Differentiable in q, k, v and bias.
torch::Tensor neighbourhood_attend(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, const torch::Tensor& bias,
                                   const torch::Tensor& index, const torch::Tensor& valid,
                                   const torch::Tensor& keep,
                                   int64_t block = kNeighbourhoodBlock);

/// The same attention as plain autograd operations (keeps the gathered (N, K, H, E) tensors
/// for backward). The reference the kernel is tested against.
torch::Tensor neighbourhood_attend_autograd(const torch::Tensor& q, const torch::Tensor& k,
                                            const torch::Tensor& v, const torch::Tensor& bias,
                                            const torch::Tensor& index, const torch::Tensor& valid,
                                            const torch::Tensor& keep);

}  // namespace stx
