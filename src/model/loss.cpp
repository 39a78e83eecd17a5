#include "stx/model/loss.hpp"

namespace stx {

torch::Tensor mean_column_pearson(const torch::Tensor& prediction, const torch::Tensor& truth) {
  constexpr double kEps = 1e-8;
  const auto a = prediction - prediction.mean(0, true);  // (N, T)
  const auto b = truth - truth.mean(0, true);            // (N, T)
  // eps inside the root: a constant column (a gene absent from this slide) must give a finite
  // gradient, not sqrt'(0) = inf.
  const auto r = (a * b).sum(0) / (a.pow(2).sum(0) * b.pow(2).sum(0) + kEps).sqrt();  // (T)
  return r.mean();
}

torch::Tensor cross_column_pearson(const torch::Tensor& a, const torch::Tensor& b) {
  constexpr double kEps = 1e-8;
  const auto za = a - a.mean(0, true), zb = b - b.mean(0, true);
  const auto na = (za.pow(2).sum(0) + kEps).sqrt(), nb = (zb.pow(2).sum(0) + kEps).sqrt();  // (T)
  return (za / na).t().mm(zb / nb);
}

torch::Tensor map_structure_loss(const torch::Tensor& prediction, const torch::Tensor& truth) {
  const int64_t t = prediction.size(1);
  if (t < 2) return torch::zeros({}, prediction.options());
  const auto off = 1 - torch::eye(t, prediction.options());
  const auto d = (cross_column_pearson(prediction, prediction) - cross_column_pearson(truth, truth)) * off;
  return d.pow(2).sum() / static_cast<double>(t * (t - 1));
}

torch::Tensor map_contrast_loss(const torch::Tensor& prediction, const torch::Tensor& truth, double temperature) {
  const int64_t t = prediction.size(1);
  const auto logits = cross_column_pearson(prediction, truth) / temperature;  // (prediction, measured)
  return torch::nn::functional::cross_entropy(logits, torch::arange(t, torch::TensorOptions().dtype(torch::kLong)
                                                                          .device(prediction.device())));
}

LossTerms quadflow_loss(const QuadFlowOutput& out, const torch::Tensor& gene_targets,
                        const torch::Tensor& pathway_targets, const torch::Tensor& edges,
                        const LossWeights& w) {
  LossTerms t;
  const auto gene_mse = torch::mse_loss(out.genes, gene_targets);
  const auto gene_r = mean_column_pearson(out.genes, gene_targets);
  const auto pathway_mse = torch::mse_loss(out.pathways, pathway_targets);
  const auto pathway_r = mean_column_pearson(out.pathways, pathway_targets);
  auto smoothness = torch::zeros({}, out.pathways.options());
  if (edges.size(0) > 0) {
    const auto a = out.pathways.index_select(0, edges.select(1, 0));  // (E, P)
    const auto b = out.pathways.index_select(0, edges.select(1, 1));  // (E, P)
    smoothness = (a - b).pow(2).mean();
  }
  t.total = w.gene * (gene_mse + 1 - gene_r) + w.pathway * (pathway_mse + 1 - pathway_r) +
            w.smoothness * smoothness;
  if (w.map_structure > 0) {
    const auto structure = map_structure_loss(out.pathways, pathway_targets);
    t.total = t.total + w.map_structure * structure;
    t.map_structure = structure.item<double>();
  }
  if (w.map_contrast > 0) {
    const auto contrast = map_contrast_loss(out.pathways, pathway_targets);
    t.total = t.total + w.map_contrast * contrast;
    t.map_contrast = contrast.item<double>();
  }
  t.gene_mse = gene_mse.item<double>();
  t.gene_r = gene_r.item<double>();
  t.pathway_mse = pathway_mse.item<double>();
  t.pathway_r = pathway_r.item<double>();
  t.smoothness = smoothness.item<double>();
  return t;
}

}  // namespace stx
