#include "stx/model/neighbourhood_attention.hpp"

#include "neighbourhood_kernel.hpp"


namespace stx {

namespace {
constexpr double kOffsetScaleUm = 100.0;  // offsets enter the bias MLP in units of 100 µm
constexpr int64_t kBiasHidden = 32;
}  // namespace

NeighbourhoodAttentionImpl::NeighbourhoodAttentionImpl(int64_t width, int64_t heads, double dropout)
    : heads_(heads) {
  qkv_ = register_module("qkv", torch::nn::Linear(width, 3 * width));
  out_ = register_module("out", torch::nn::Linear(width, width));
  offset_bias_ = register_module(
      "offset_bias", torch::nn::Sequential(torch::nn::Linear(2, kBiasHidden), torch::nn::GELU(),
                                           torch::nn::Linear(kBiasHidden, heads)));
  dropout_ = register_module("dropout", SeededDropout(dropout));
}

torch::Tensor NeighbourhoodAttentionImpl::offset_bias(const torch::Tensor& offset_um) {
  const int64_t n = offset_um.size(0);
  if (torch::GradMode::is_enabled() || n <= kBiasBlock) return offset_bias_->forward(offset_um / kOffsetScaleUm);
  // Predicting, spots a block at a time: the MLP's hidden layer is (N, K, 32) floats, 1.9 GB
  // per layer for 10^6 cells (most of a whole Xenium slide's peak memory); its output is 8x less.
  std::vector<torch::Tensor> blocks;
  for (int64_t begin = 0; begin < n; begin += kBiasBlock)
    blocks.push_back(offset_bias_->forward(offset_um.slice(0, begin, std::min(n, begin + kBiasBlock)) / kOffsetScaleUm));
  return torch::cat(blocks);
}

torch::Tensor NeighbourhoodAttentionImpl::forward(const torch::Tensor& tokens,
                                                  const Neighbourhood& nb) {
  const int64_t n = tokens.size(0), width = tokens.size(1), k = nb.index.size(1);
  const int64_t e = width / heads_;
  const auto qkv = qkv_(tokens).view({n, 3, heads_, e});                  // (N, 3, H, E)
  const auto bias = offset_bias(nb.offset_um);                              // (N, K, H)
  torch::Tensor keep;  // dropout on the attention weights, drawn here so backward reuses it
  const double p = dropout_->p();
  if (is_training() && p > 0) keep = dropout_keep_mask({n, k, heads_}, p, tokens.options());
  const auto mixed = neighbourhood_attend(qkv.select(1, 0), qkv.select(1, 1), qkv.select(1, 2),
                                          bias, nb.index, nb.valid, keep);  // (N, H, E)
  return out_(mixed.reshape({n, width}));                                   // (N, D)
}

}  // namespace stx
