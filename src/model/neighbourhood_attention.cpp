#include "neighbourhood_attention.hpp"

#include <cmath>
#include <limits>

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
  dropout_ = register_module("dropout", torch::nn::Dropout(dropout));
}

torch::Tensor NeighbourhoodAttentionImpl::forward(const torch::Tensor& tokens,
                                                  const Neighbourhood& nb) {
  const int64_t n = tokens.size(0), width = tokens.size(1), k = nb.index.size(1);
  const int64_t e = width / heads_;
  const auto qkv = qkv_(tokens).chunk(3, 1);                 // 3 x (N, D)
  const auto q = qkv[0].view({n, 1, heads_, e});             // (N, 1, H, E)
  const auto flat_index = nb.index.reshape({-1});            // (N K)
  const auto keys = qkv[1].index_select(0, flat_index).view({n, k, heads_, e});    // (N, K, H, E)
  const auto values = qkv[2].index_select(0, flat_index).view({n, k, heads_, e});  // (N, K, H, E)

  auto scores = (q * keys).sum(-1) / std::sqrt(double(e));                  // (N, K, H)
  scores = scores + offset_bias_->forward(nb.offset_um / kOffsetScaleUm);   // (N, K, H)
  scores = scores.masked_fill(nb.valid.logical_not().unsqueeze(-1),
                              -std::numeric_limits<float>::infinity());
  const auto attention = dropout_(torch::softmax(scores, 1));               // (N, K, H)
  const auto mixed = (attention.unsqueeze(-1) * values).sum(1);             // (N, H, E)
  return out_(mixed.reshape({n, width}));                                   // (N, D)
}

}  // namespace stx
