// The torch side of TrainedModel, shared by the trainer and the checkpoint code.
#pragma once

#include "quadflow.hpp"
#include "stx/train/trained_model.hpp"
#include "torch_compat.hpp"

namespace stx {

struct TrainedModel::Impl {
  ModelMetadata metadata;
  std::vector<QuadFlow> modules;  // an ensemble's members; predictions are their mean
};

/// A fresh, seeded QuadFlow for `metadata` (membership tensor from the metadata).
QuadFlow make_quadflow(const ModelMetadata& metadata);

/// (N, C) float tensor of `values`, standardised column-wise with `mean` and `sd`.
torch::Tensor standardised(const std::vector<float>& values, int64_t n, const std::vector<float>& mean,
                           const std::vector<float>& sd);

/// Neighbourhood of a slide's spots for `options`.
Neighbourhood slide_neighbourhood(const SlideData& slide, const QuadFlowOptions& options);

}  // namespace stx
