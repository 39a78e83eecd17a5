#include "stx/model/quadflow.hpp"

#include <cmath>

#include "stx/core/error.hpp"

namespace stx {

namespace {
torch::nn::Sequential mlp(int64_t width, double dropout) {
  return torch::nn::Sequential(torch::nn::Linear(width, 2 * width), torch::nn::GELU(),
                               SeededDropout(dropout), torch::nn::Linear(2 * width, width));
}
torch::nn::LayerNorm norm(int64_t width) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}));
}
}  // namespace

QuadFlowLayerImpl::QuadFlowLayerImpl(const QuadFlowOptions& o) : options_(o) {
  const int64_t d = o.width;
  spot_norm_ = register_module("spot_norm", norm(d));
  pathway_norm_ = register_module("pathway_norm", norm(d));
  spot_cross_norm_ = register_module("spot_cross_norm", norm(d));
  pathway_cross_norm_ = register_module("pathway_cross_norm", norm(d));
  spot_mlp_norm_ = register_module("spot_mlp_norm", norm(d));
  pathway_mlp_norm_ = register_module("pathway_mlp_norm", norm(d));
  if (o.spatial_attention) {
    if (o.full_attention)
      full_spatial_ = register_module("spatial", Attention(d, o.heads, o.dropout));
    else
      spatial_ = register_module("spatial", NeighbourhoodAttention(d, o.heads, o.dropout));
  }
  if (o.pathway_attention) {
    pathway_self_ = register_module("pathway_self", Attention(d, o.heads, o.dropout));
    if (o.overlap_bias) overlap_scale_ = register_parameter("overlap_scale", torch::zeros({o.heads}));
  }
  if (o.cross_attention) {
    pathway_from_spots_ = register_module("pathway_from_spots", Attention(d, o.heads, o.dropout));
    spots_from_pathways_ = register_module("spots_from_pathways", Attention(d, o.heads, o.dropout));
  }
  spot_mlp_ = register_module("spot_mlp", mlp(d, o.dropout));
  pathway_mlp_ = register_module("pathway_mlp", mlp(d, o.dropout));
}

void QuadFlowLayerImpl::forward(torch::Tensor& spots, torch::Tensor& pathways,
                                const Neighbourhood& nb, torch::Tensor* pathway_attention,
                                const torch::Tensor& overlap) {
  if (options_.spatial_attention) {  // H<->H
    const auto x = spot_norm_(spots);
    spots = spots + (options_.full_attention ? full_spatial_(x, x) : spatial_(x, nb));  // (N, D)
  }
  if (options_.pathway_attention)  // P<->P
    pathways = pathways + pathway_self_attention(pathways, overlap, nullptr);  // (P, D)
  if (options_.cross_attention) {  // P<-H, then H<-P
    const auto x = spot_cross_norm_(spots);
    pathways = pathways + pathway_from_spots_(pathway_cross_norm_(pathways), x,
                                              pathway_attention);  // (P, D)
    spots = spots + spots_from_pathways_(x, pathway_cross_norm_(pathways));  // (N, D)
  }
  spots = spots + spot_mlp_->forward(spot_mlp_norm_(spots));              // (N, D)
  pathways = pathways + pathway_mlp_->forward(pathway_mlp_norm_(pathways));  // (P, D)
}

torch::Tensor QuadFlowLayerImpl::pathway_self_attention(const torch::Tensor& pathways, const torch::Tensor& overlap,
                                                        torch::Tensor* weights) {
  const auto p = pathway_norm_(pathways);
  const auto bias = overlap_scale_.defined() && overlap.defined()
                        ? overlap_scale_.view({-1, 1, 1}) * overlap.unsqueeze(0)  // (H, P, P)
                        : torch::Tensor();
  return pathway_self_(p, p, weights, bias);
}

torch::Tensor QuadFlowLayerImpl::pathway_coupling(const torch::Tensor& pathways, const torch::Tensor& overlap) {
  if (!options_.pathway_attention) return {};
  torch::Tensor weights;
  pathway_self_attention(pathways, overlap, &weights);
  return weights;  // (P, P)
}

QuadFlowImpl::QuadFlowImpl(const QuadFlowOptions& o, const torch::Tensor& membership,
                           const torch::Tensor& overlap)
    : options_(o) {
  STX_CHECK(o.feature_dim > 0 && o.n_pathways > 0 && o.n_genes > 0, ConfigError,
            "QuadFlow: feature_dim, n_pathways and n_genes must be positive (found {}, {}, {})",
            o.feature_dim, o.n_pathways, o.n_genes);
  STX_CHECK(o.width % o.heads == 0, ConfigError, "QuadFlow: width {} is not a multiple of heads {}",
            o.width, o.heads);
  STX_CHECK(membership.dim() == 2 && membership.size(0) == o.n_pathways &&
                membership.size(1) == o.n_genes,
            ShapeError, "QuadFlow: membership must be ({}, {}), found {}", o.n_pathways,
            o.n_genes, c10::str(membership.sizes()));
  const int64_t d = o.width;
  embed_ = register_module("embed", torch::nn::Sequential(torch::nn::Linear(o.feature_dim, d),
                                                         torch::nn::GELU(), torch::nn::Linear(d, d)));
  pathway_tokens_ = register_parameter("pathway_tokens", torch::randn({o.n_pathways, d}) * 0.02);
  for (int64_t i = 0; i < o.layers; ++i)
    layers_.push_back(register_module("layer" + std::to_string(i), QuadFlowLayer(o)));
  spot_out_norm_ = register_module("spot_out_norm", norm(d));
  pathway_out_norm_ = register_module("pathway_out_norm", norm(d));
  if (o.pathway_readout) {
    spot_readout_ = register_module("spot_readout", torch::nn::Linear(d, d));
    pathway_readout_ = register_module("pathway_readout", torch::nn::Linear(d, d));
  } else {
    linear_readout_ = register_module("linear_readout", torch::nn::Linear(d, o.n_pathways));
  }
  readout_bias_ = register_parameter("readout_bias", torch::zeros({o.n_pathways}));
  if (o.linear_path) {
    linear_weight_ = register_buffer("linear_weight", torch::zeros({linear_path_width(o), o.n_pathways}));
    linear_bias_ = register_buffer("linear_bias", torch::zeros({o.n_pathways}));
    correction_gate_ = register_parameter("correction_gate", torch::zeros({}));
  }
  membership_ = register_buffer("membership", membership.to(torch::kFloat32));
  if (o.overlap_bias && o.pathway_attention) {
    STX_CHECK(!overlap.defined() || (overlap.dim() == 2 && overlap.size(0) == o.n_pathways &&
                                     overlap.size(1) == o.n_pathways),
              ShapeError, "QuadFlow: gene-set overlap must be ({0}, {0}), found {1}", o.n_pathways,
              c10::str(overlap.sizes()));
    overlap_ = register_buffer("overlap", overlap.defined() ? overlap.to(torch::kFloat32).clone()
                                                            : torch::zeros({o.n_pathways, o.n_pathways}));
  }
  // Each member gene starts as the average of its sets' activities, scaled so a gene in one
  // set of m genes does not dominate: 1 / (number of sets the gene is in).
  const auto sets_per_gene = membership_.sum(0).clamp_min(1);  // (G)
  decoder_weight_ = register_parameter("decoder_weight", (membership_ / sets_per_gene).clone());
  decoder_bias_ = register_parameter("decoder_bias", torch::zeros({o.n_genes}));
  if (o.residual_rank > 0) {
    residual_down_ = register_parameter(
        "residual_down", torch::randn({o.n_pathways, o.residual_rank}) / std::sqrt(double(o.n_pathways)));
    residual_up_ = register_parameter("residual_up", torch::zeros({o.residual_rank, o.n_genes}));
  }
}

QuadFlowOutput QuadFlowImpl::forward(const torch::Tensor& features, const Neighbourhood& nb,
                                     bool keep_attention) {
  STX_CHECK(features.dim() == 2 && features.size(1) == options_.feature_dim, ShapeError,
            "QuadFlow: features must be (N, {}), found {}", options_.feature_dim, c10::str(features.sizes()));
  auto spots = embed_->forward(features);  // (N, D)
  auto pathways = pathway_tokens_;          // (P, D)
  QuadFlowOutput out;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    layers_[i]->forward(spots, pathways, nb, keep_attention && last ? &out.pathway_attention : nullptr,
                        overlap_);
  }
  const auto h = spot_out_norm_(spots);  // (N, D)
  if (options_.pathway_readout) {         // H->P: activity[n, p] = <W h_n, V p_p> / sqrt(D)
    const auto p = pathway_out_norm_(pathways);
    out.pathways = torch::matmul(spot_readout_(h), pathway_readout_(p).t()) /
                   std::sqrt(double(options_.width));  // (N, P)
  } else {
    out.pathways = linear_readout_(h);  // (N, P)
  }
  if (options_.linear_path)  // (N, P)
    out.pathways = torch::addmm(linear_bias_, linear_path_input(features, nb, options_), linear_weight_) +
                   correction_gate_ * out.pathways;
  out.pathways = out.pathways + readout_bias_;
  out.genes = torch::matmul(out.pathways, decoder_weight_ * membership_) + decoder_bias_;  // (N, G)
  if (options_.residual_rank > 0)
    out.genes = out.genes + torch::matmul(torch::matmul(out.pathways, residual_down_), residual_up_);
  return out;
}

torch::Tensor QuadFlowImpl::pathway_coupling() {
  if (layers_.empty()) return {};
  torch::NoGradGuard no_grad;
  const bool was_training = is_training();
  eval();  // no dropout on the weights
  auto coupling = layers_.front()->pathway_coupling(pathway_tokens_, overlap_);
  train(was_training);
  return coupling;
}

std::pair<torch::Tensor, torch::Tensor> QuadFlowImpl::decoder_matrices() const {
  torch::NoGradGuard no_grad;
  const auto through_sets = decoder_weight_ * membership_;
  const auto through_residual = options_.residual_rank > 0 ? torch::matmul(residual_down_, residual_up_)
                                                           : torch::zeros_like(through_sets);
  return {through_sets, through_residual};
}

torch::Tensor linear_path_input(const torch::Tensor& features, const Neighbourhood& nb,
                                const QuadFlowOptions& options) {
  return options.linear_path_neighbours ? torch::cat({features, neighbour_mean(features, nb)}, 1) : features;
}

int64_t linear_path_width(const QuadFlowOptions& options) {
  return options.linear_path_neighbours ? 2 * options.feature_dim : options.feature_dim;
}

void QuadFlowImpl::set_linear_path(const torch::Tensor& weight, const torch::Tensor& bias) {
  STX_CHECK(options_.linear_path, ConfigError, "QuadFlow: set_linear_path on a model without one");
  STX_CHECK(weight.sizes() == linear_weight_.sizes() && bias.sizes() == linear_bias_.sizes(),
            ShapeError, "QuadFlow: linear path must be {} and {}, found {} and {}",
            c10::str(linear_weight_.sizes()), c10::str(linear_bias_.sizes()),
            c10::str(weight.sizes()), c10::str(bias.sizes()));
  torch::NoGradGuard no_grad;
  linear_weight_.copy_(weight);
  linear_bias_.copy_(bias);
}

}  // namespace stx
