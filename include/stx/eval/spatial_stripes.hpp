// Held-out evaluation for a single slide (a Xenium section, one Visium sample): the slide is
// cut into K stripes of equal spot counts across its longer side, and each stripe becomes its
// own cross-validation group, so every model is scored on tissue it did not train on.
// Neighbouring stripes still share the slide's tissue, staining and depth, so these numbers are
// optimistic next to a held-out patient's; the summary says which protocol made them.
#pragma once

#include <vector>

#include "stx/train/slide_data.hpp"

namespace stx {

/// `k` (>= 2) stripes of `slide`, named "<slide>:1/k" ... and grouped by that name (their
/// folds are named kLeaveOneStripeOut through FoldPlanOptions::group_protocol). Every
/// per-spot array goes with its spots. ShapeError when the slide has fewer than 10 spots
/// per stripe.
std::vector<SlideData> spatial_stripes(const SlideData& slide, int k);

}  // namespace stx
