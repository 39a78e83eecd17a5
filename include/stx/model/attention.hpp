// Multi-head attention of a set of query tokens over a set of key/value tokens, used for the
// P<->P, P<-H and H<-P flows (and H<->H when full attention is asked for). Written out instead
// of torch::nn::MultiheadAttention so the caller can keep the attention weights (the P<-H maps
// that explain which spots drive a pathway) and so shapes stay unbatched (tokens, D).
// Legend: Q query tokens, K key tokens, D width, H heads, E = D / H.
#pragma once

#include "stx/model/dropout.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(int64_t width, int64_t heads, double dropout);

  /// queries (Q, D), keys (K, D) -> (Q, D). With `weights` set, also returns there the
  /// attention weights averaged over heads, (Q, K). `bias`, when defined, is added to the
  /// logits: (H, Q, K) or anything that broadcasts to it.
  torch::Tensor forward(const torch::Tensor& queries, const torch::Tensor& keys,
                        torch::Tensor* weights = nullptr, const torch::Tensor& bias = {});

 private:
  int64_t heads_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr}, out_{nullptr};
  SeededDropout dropout_{nullptr};
};
TORCH_MODULE(Attention);

}  // namespace stx
