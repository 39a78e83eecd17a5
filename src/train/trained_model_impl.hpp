// The torch side of TrainedModel, shared by the trainer and the checkpoint code.
#pragma once

#include "stx/model/quadflow.hpp"
#include "stx/histology/torch/vit_tail.hpp"
#include "stx/train/trained_model.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

struct TrainedModel::Impl {
  ModelMetadata metadata;
  std::vector<QuadFlow> modules;  // an ensemble's members; predictions are their mean
};

/// A fresh, seeded QuadFlow for `metadata` (membership tensor from the metadata); with a
/// fine-tuned encoder tail in the metadata, the tail is registered as its "encoder_tail".
QuadFlow make_quadflow(const ModelMetadata& metadata);

/// The fine-tuned encoder tail registered on `model`; an empty holder when the encoder is frozen.
ViTTail encoder_tail(const QuadFlow& model);

/// QuadFlow's input: the standardised encoder features (N, F), or, with a fine-tuned tail,
/// the tail's output on the tokens (N, T, D), standardised the same way.
torch::Tensor model_input(const QuadFlow& model, const torch::Tensor& features, const torch::Tensor& tokens,
                          const ModelMetadata& metadata);

/// (N, T, D) tensor of a slide's tokens; undefined when it has none. ShapeError when they do
/// not fit `shape`.
torch::Tensor slide_tokens(const SlideData& slide, const ViTTailShape& shape);

/// (N, F) QuadFlow input of a slide's frozen features: standardised over the slide's own spots
/// (options.slide_feature_norm) or with the training spots' mean and sd.
torch::Tensor input_features(const SlideData& slide, const ModelMetadata& metadata);

/// (N, C) float tensor of `values`, standardised column-wise with `mean` and `sd`.
torch::Tensor standardised(const std::vector<float>& values, int64_t n, const std::vector<float>& mean,
                           const std::vector<float>& sd);

/// Neighbourhood of a slide's spots for `options`.
Neighbourhood slide_neighbourhood(const SlideData& slide, const QuadFlowOptions& options);

}  // namespace stx
