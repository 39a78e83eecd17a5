// QuadFlow: a transformer over one H token per spot and one P token per pathway, with four
// attention flows per layer (H<->H spatial, P<->P, P<->H both ways) and an H->P readout of
// per-spot pathway activities, from which genes are decoded through a bottleneck tied to
// gene-set membership. See docs/model.md ("Architecture").
// It does not normalise inputs or targets: the trainer standardises both and stores the
// statistics in the checkpoint. Legend: N spots, F encoder features, D width, P pathways,
// G genes, K neighbours, R residual rank.
#pragma once

#include <utility>
#include <vector>

#include "stx/model/attention.hpp"
#include "stx/model/neighbourhood.hpp"
#include "stx/model/neighbourhood_attention.hpp"
#include "stx/model/quadflow_options.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

struct QuadFlowOutput {
  torch::Tensor pathways;           // (N, P) standardised pathway activities
  torch::Tensor genes;              // (N, G) standardised gene expression
  torch::Tensor pathway_attention;  // (P, N) last layer's P<-H weights, when asked for
};

class QuadFlowLayerImpl : public torch::nn::Module {
 public:
  explicit QuadFlowLayerImpl(const QuadFlowOptions& options);
  /// spots (N, D), pathways (P, D) are updated in place (pre-norm residual blocks);
  /// `overlap` (P, P) biases P<->P when options.overlap_bias.
  void forward(torch::Tensor& spots, torch::Tensor& pathways, const Neighbourhood& nb,
               torch::Tensor* pathway_attention, const torch::Tensor& overlap = {});

  /// The P<->P attention weights of `pathways` (P, D), averaged over heads: (P, P), each row
  /// summing to 1; undefined without the P<->P flow.
  torch::Tensor pathway_coupling(const torch::Tensor& pathways, const torch::Tensor& overlap = {});

 private:
  /// P<->P over the normed `pathways` (P, D), biased by `overlap` when the layer learns to;
  /// its weights (P, P) into `weights` when given.
  torch::Tensor pathway_self_attention(const torch::Tensor& pathways, const torch::Tensor& overlap,
                                       torch::Tensor* weights);

  QuadFlowOptions options_;
  torch::nn::LayerNorm spot_norm_{nullptr}, pathway_norm_{nullptr}, spot_cross_norm_{nullptr},
      pathway_cross_norm_{nullptr}, spot_mlp_norm_{nullptr}, pathway_mlp_norm_{nullptr};
  NeighbourhoodAttention spatial_{nullptr};
  Attention full_spatial_{nullptr}, pathway_self_{nullptr}, pathway_from_spots_{nullptr},
      spots_from_pathways_{nullptr};
  torch::nn::Sequential spot_mlp_{nullptr}, pathway_mlp_{nullptr};
  torch::Tensor overlap_scale_;  // (H) multiples of the gene-set overlap in P<->P; start at 0
};
TORCH_MODULE(QuadFlowLayer);

class QuadFlowImpl : public torch::nn::Module {
 public:
  /// membership (P, G): 1 where gene g is in pathway p's set; ties the gene decoder.
  /// overlap (P, P): Jaccard index of the gene sets, for options.overlap_bias (undefined: 0).
  QuadFlowImpl(const QuadFlowOptions& options, const torch::Tensor& membership,
               const torch::Tensor& overlap = {});

  /// features (N, F), standardised.
  QuadFlowOutput forward(const torch::Tensor& features, const Neighbourhood& nb,
                         bool keep_attention = false);

  const QuadFlowOptions& options() const { return options_; }

  /// The gene decoder, genes = activities @ (through_sets + through_residual) + bias: the
  /// (P, G) weights tied to gene-set membership (zero outside each set) and the low-rank
  /// residual's (zero with residual rank 0), both in standardised units.
  std::pair<torch::Tensor, torch::Tensor> decoder_matrices() const;

  /// How the pathways attend to one another in the first layer's P<->P flow, (P, P), rows
  /// summing to 1. Its queries and keys are the learned pathway tokens, before any spot is
  /// seen, so it is a property of the model, not of a slide. Undefined without the flow.
  torch::Tensor pathway_coupling();
  /// The gene-set overlap (Jaccard index) that biases P<->P, (P, P); undefined without it.
  const torch::Tensor& gene_set_overlap() const { return overlap_; }

  /// The frozen linear path (options.linear_path): activities += linear_path_input @ weight +
  /// bias, weight (F or 2F, P), bias (P), both in standardised units.
  void set_linear_path(const torch::Tensor& weight, const torch::Tensor& bias);

 private:
  QuadFlowOptions options_;
  torch::nn::Sequential embed_{nullptr};  // (N, F) -> (N, D)
  torch::Tensor pathway_tokens_;          // (P, D)
  std::vector<QuadFlowLayer> layers_;
  torch::nn::LayerNorm spot_out_norm_{nullptr}, pathway_out_norm_{nullptr};
  torch::nn::Linear spot_readout_{nullptr}, pathway_readout_{nullptr};  // bilinear H->P
  torch::nn::Linear linear_readout_{nullptr};                           // H->P off: (D) -> (P)
  torch::Tensor readout_bias_;                                          // (P)
  torch::Tensor linear_weight_, linear_bias_;  // (F or 2F, P), (P) buffers: fitted, not trained
  torch::Tensor correction_gate_;              // () scales the flows' readout; starts at 0
  torch::Tensor membership_;       // (P, G) buffer
  torch::Tensor overlap_;          // (P, P) buffer, with options.overlap_bias
  torch::Tensor decoder_weight_;   // (P, G), used only where membership is 1
  torch::Tensor decoder_bias_;     // (G)
  torch::Tensor residual_down_, residual_up_;  // (P, R), (R, G)
};
TORCH_MODULE(QuadFlow);

/// What the linear path reads: the features (N, F), and with options.linear_path_neighbours
/// also their neighbour_mean, (N, 2F). The trainer fits the path on exactly this.
torch::Tensor linear_path_input(const torch::Tensor& features, const Neighbourhood& nb,
                                const QuadFlowOptions& options);
/// Its column count: F, or 2F with the neighbours' mean.
int64_t linear_path_width(const QuadFlowOptions& options);

}  // namespace stx
