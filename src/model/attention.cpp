#include "stx/model/attention.hpp"

#include <cmath>

namespace stx {

AttentionImpl::AttentionImpl(int64_t width, int64_t heads, double dropout) : heads_(heads) {
  query_ = register_module("query", torch::nn::Linear(width, width));
  key_ = register_module("key", torch::nn::Linear(width, width));
  value_ = register_module("value", torch::nn::Linear(width, width));
  out_ = register_module("out", torch::nn::Linear(width, width));
  dropout_ = register_module("dropout", SeededDropout(dropout));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& keys,
                                     torch::Tensor* weights, const torch::Tensor& bias) {
  const int64_t n_q = queries.size(0), n_k = keys.size(0), width = queries.size(1);
  const int64_t e = width / heads_;
  auto q = query_(queries).view({n_q, heads_, e}).transpose(0, 1);  // (H, Q, E)
  auto k = key_(keys).view({n_k, heads_, e}).transpose(0, 1);       // (H, K, E)
  auto v = value_(keys).view({n_k, heads_, e}).transpose(0, 1);     // (H, K, E)
  auto logits = torch::matmul(q, k.transpose(1, 2)) / std::sqrt(double(e));  // (H, Q, K)
  if (bias.defined()) logits = logits + bias;
  auto attention = torch::softmax(logits, -1);  // (H, Q, K)
  if (weights) *weights = attention.mean(0).detach();  // (Q, K)
  auto mixed = torch::matmul(dropout_(attention), v);  // (H, Q, E)
  return out_(mixed.transpose(0, 1).reshape({n_q, width}));  // (Q, D)
}

}  // namespace stx
