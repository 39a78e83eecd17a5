// A training slide as the trainer feeds it to QuadFlow: standardised tensors on the device,
// its spots' positions and neighbourhood, and random spatial crops of it.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/model/neighbourhood.hpp"
#include "stx/torch/torch_compat.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

struct SlideTensors {
  torch::Tensor features, genes, pathways;  // (N, F), (N, G), (N, P) standardised
  torch::Tensor tokens;                     // (N, T, D) when fine-tuning the encoder's tail
  const SlideData* slide = nullptr;         // what they hold (outlives them): its spots' positions
  Neighbourhood neighbourhood;              // whole slide
};

/// The slide standardised with the model's scales (metadata), on `device`.
SlideTensors slide_tensors(const SlideData& slide, const ModelMetadata& m, const torch::Device& device);

/// The (features, genes, pathways, tokens, neighbourhood) of some of a slide's spots.
struct Crop {
  torch::Tensor features, genes, pathways, tokens;
  Neighbourhood neighbourhood;
};

/// The whole slide as a crop.
Crop whole(const SlideTensors& s);

/// The `count` spots nearest a centre spot drawn with `seed`, in index order, with their own
/// neighbourhood.
Crop random_crop(const SlideTensors& s, int64_t count, uint64_t seed, const QuadFlowOptions& options,
                 const torch::Device& device);

}  // namespace stx
