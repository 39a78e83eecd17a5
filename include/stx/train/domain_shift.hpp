// How far a slide's spots sit from the spots a model was trained on, in the encoder's own
// feature space: per spot, the share of its features more than 3 training sd from the
// training mean (z with the model's stored feature mean and sd). On HER2ST's training
// sections the median spot has none; a colour-inverted, re-stained or 4x coarser B4 has
// 18-37 % (docs/model.md, "Out of the training domain"). And the slide's resolution against
// the training slides'. Torch-free.
#pragma once

#include <string>
#include <vector>

#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

inline constexpr double kOutOfDomainZ = 3.0;            // a feature beyond 3 training sd
inline constexpr double kOutOfDomainMedianShare = 0.1;  // warn when the median spot has more

/// (N) per spot, in [0, 1]; empty when the model stores no feature standardisation of
/// these features' width (e.g. a fine-tuned ViT tail reads tokens instead).
std::vector<float> out_of_domain_share(const SlideData& spots, const ModelMetadata& m);

inline constexpr double kResolutionFactor = 1.5;  // a slide this much coarser than training's

/// "" unless the slide's µm/px is more than kResolutionFactor times the coarsest training
/// slide's (a model that does not record them: ""); then a sentence saying how far off it is.
std::string resolution_mismatch(double slide_um_per_px, const ModelMetadata& m);

}  // namespace stx
