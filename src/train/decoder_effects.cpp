// TrainedModel::decoder_effects: the decoder's (P, G) matrices of every member, averaged and
// brought from standardised units to the gene targets' (times each gene's training sd; a
// pathway's +1 sd is +1 in its standardised units). TrainedModel::pathway_coupling: the first
// layer's P<->P attention of every member, averaged. Both read weights only: no slide.
#include "stx/train/trained_model.hpp"

#include "stx/torch/tensor_values.hpp"
#include "trained_model_impl.hpp"

namespace stx {

DecoderEffects TrainedModel::decoder_effects() const {
  const ModelMetadata& m = metadata();
  const auto n_pathways = static_cast<int64_t>(m.pathways.size()), n_genes = static_cast<int64_t>(m.genes.size());
  torch::NoGradGuard no_grad;
  torch::Tensor sets = torch::zeros({n_pathways, n_genes}), residual = torch::zeros({n_pathways, n_genes});
  for (const auto& module : impl_->modules) {
    const auto [member_sets, member_residual] = module->decoder_matrices();
    sets += member_sets;
    residual += member_residual;
  }
  const auto gene_sd = torch::tensor(m.gene_sd).view({1, n_genes}) / static_cast<double>(impl_->modules.size());
  DecoderEffects effects;
  effects.n_pathways = n_pathways;
  effects.n_genes = n_genes;
  effects.through_sets = to_vector(sets * gene_sd);
  effects.through_residual = to_vector(residual * gene_sd);
  return effects;
}

PathwayCoupling TrainedModel::pathway_coupling() const {
  PathwayCoupling coupling;
  torch::Tensor sum;
  for (auto& module : impl_->modules) {  // not const: the coupling is read in eval mode
    const torch::Tensor member = module->pathway_coupling();
    if (!member.defined()) return coupling;
    sum = sum.defined() ? sum + member : member.clone();
  }
  if (!sum.defined()) return coupling;
  coupling.n_pathways = sum.size(0);
  coupling.attention = to_vector(sum / static_cast<double>(impl_->modules.size()));
  if (const torch::Tensor& overlap = impl_->modules.front()->gene_set_overlap(); overlap.defined())
    coupling.overlap = to_vector(overlap);
  return coupling;
}

}  // namespace stx
