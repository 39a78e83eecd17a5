#include "neighbourhood_kernel.hpp"

#include <cmath>
#include <limits>

namespace stx {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One block's gathered neighbours and attention weights.
struct Block {
  int64_t begin, end;
  torch::Tensor flat_index, keys, values, attention;  // attention: softmax, before dropout
};

Block attend_block(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                   const torch::Tensor& bias, const torch::Tensor& index,
                   const torch::Tensor& valid, int64_t begin, int64_t end) {
  const int64_t rows = end - begin, kn = index.size(1), h = q.size(1), e = q.size(2);
  Block b{begin, end, index.slice(0, begin, end).reshape({-1}), {}, {}, {}};
  b.keys = k.index_select(0, b.flat_index).view({rows, kn, h, e});
  b.values = v.index_select(0, b.flat_index).view({rows, kn, h, e});
  auto scores = (q.slice(0, begin, end).unsqueeze(1) * b.keys).sum(-1) / std::sqrt(double(e)) +
                bias.slice(0, begin, end);  // (rows, K, H)
  scores.masked_fill_(valid.slice(0, begin, end).logical_not().unsqueeze(-1),
                      -std::numeric_limits<float>::infinity());
  b.attention = torch::softmax(scores, 1);
  return b;
}

class NeighbourhoodAttend : public torch::autograd::Function<NeighbourhoodAttend> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& q,
                               const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& bias, const torch::Tensor& index,
                               const torch::Tensor& valid, const torch::Tensor& keep,
                               int64_t block) {
    ctx->save_for_backward({q, k, v, bias, index, valid, keep});
    ctx->saved_data["block"] = block;
    torch::NoGradGuard no_grad;
    auto out = torch::empty_like(q);
    for (int64_t begin = 0; begin < q.size(0); begin += block) {
      const int64_t end = std::min(begin + block, q.size(0));
      const Block b = attend_block(q, k, v, bias, index, valid, begin, end);
      const auto weights = keep.numel() > 0 ? b.attention * keep.slice(0, begin, end) : b.attention;
      out.slice(0, begin, end).copy_((weights.unsqueeze(-1) * b.values).sum(1));
    }
    return out;
  }

  // o = sum_j w_j v_j with w = softmax(s) * keep and s_j = q.k_j / sqrt(E) + bias_j:
  //   dv_j += w_j do;   dw_j = do.v_j;   da_j = dw_j keep_j;
  //   ds_j = a_j (da_j - sum_l a_l da_l);   dq = sum_j ds_j k_j / sqrt(E);
  //   dk_j += ds_j q / sqrt(E);   dbias_j = ds_j.
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2], &bias = saved[3], &index = saved[4],
               &valid = saved[5], &keep = saved[6];
    const int64_t block = ctx->saved_data["block"].toInt();
    const auto grad_out = grad_outputs[0].contiguous();  // (N, H, E)
    const double scale = 1.0 / std::sqrt(double(q.size(2)));
    torch::NoGradGuard no_grad;
    auto dq = torch::empty_like(q), dk = torch::zeros_like(k), dv = torch::zeros_like(v);
    auto dbias = torch::empty_like(bias);
    for (int64_t begin = 0; begin < q.size(0); begin += block) {
      const int64_t end = std::min(begin + block, q.size(0));
      const Block b = attend_block(q, k, v, bias, index, valid, begin, end);
      const auto keep_b = keep.numel() > 0 ? keep.slice(0, begin, end) : torch::Tensor();
      const auto weights = keep_b.defined() ? b.attention * keep_b : b.attention;  // (rows, K, H)
      const auto go = grad_out.slice(0, begin, end).unsqueeze(1);                 // (rows, 1, H, E)
      const int64_t flat = b.flat_index.size(0);
      dv.index_add_(0, b.flat_index, (weights.unsqueeze(-1) * go).view({flat, q.size(1), q.size(2)}));
      auto da = (go * b.values).sum(-1);  // (rows, K, H)
      if (keep_b.defined()) da = da * keep_b;
      const auto ds = b.attention * (da - (b.attention * da).sum(1, true));
      dbias.slice(0, begin, end).copy_(ds);
      dq.slice(0, begin, end).copy_((ds.unsqueeze(-1) * b.keys).sum(1) * scale);
      const auto qb = q.slice(0, begin, end).unsqueeze(1);  // (rows, 1, H, E)
      dk.index_add_(0, b.flat_index, (ds.unsqueeze(-1) * qb * scale).view({flat, q.size(1), q.size(2)}));
    }
    return {dq, dk, dv, dbias, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor neighbourhood_attend_autograd(const torch::Tensor& q, const torch::Tensor& k,
                                            const torch::Tensor& v, const torch::Tensor& bias,
                                            const torch::Tensor& index, const torch::Tensor& valid,
                                            const torch::Tensor& keep) {
  const int64_t n = q.size(0), kn = index.size(1), h = q.size(1), e = q.size(2);
  const auto flat = index.reshape({-1});
  const auto keys = k.index_select(0, flat).view({n, kn, h, e});
  const auto values = v.index_select(0, flat).view({n, kn, h, e});
  auto scores = (q.unsqueeze(1) * keys).sum(-1) / std::sqrt(double(e)) + bias;  // (N, K, H)
  scores = scores.masked_fill(valid.logical_not().unsqueeze(-1),
                              -std::numeric_limits<float>::infinity());
  auto weights = torch::softmax(scores, 1);
  if (keep.defined()) weights = weights * keep;
  return (weights.unsqueeze(-1) * values).sum(1);  // (N, H, E)
}

torch::Tensor neighbourhood_attend(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, const torch::Tensor& bias,
                                   const torch::Tensor& index, const torch::Tensor& valid,
                                   const torch::Tensor& keep, int64_t block) {
  if (q.size(0) <= block) return neighbourhood_attend_autograd(q, k, v, bias, index, valid, keep);
  // Custom functions cannot take undefined tensors: "no dropout" travels as an empty one.
  const auto keep_or_empty = keep.defined() ? keep.contiguous() : torch::empty({0}, q.options());
  return NeighbourhoodAttend::apply(q.contiguous(), k.contiguous(), v.contiguous(),
                                    bias.contiguous(), index, valid, keep_or_empty, block);
}

}  // namespace stx
