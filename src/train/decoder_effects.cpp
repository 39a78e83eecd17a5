// TrainedModel::decoder_effects: the decoder's (P, G) matrices of every member, averaged and
// brought from standardised units to the gene targets' (times each gene's training sd; a
// pathway's +1 sd is +1 in its standardised units).
#include "stx/train/trained_model.hpp"

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
  const auto as_vector = [](const torch::Tensor& t) {
    const auto c = t.contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  };
  DecoderEffects effects;
  effects.n_pathways = n_pathways;
  effects.n_genes = n_genes;
  effects.through_sets = as_vector(sets * gene_sd);
  effects.through_residual = as_vector(residual * gene_sd);
  return effects;
}

}  // namespace stx
