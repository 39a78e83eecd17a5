// The files of `stx explain`: per-spot and per-feature attributions, the deletion curves, the
// checks, and a figure of the region, the predicted activity and the attribution over the H&E.
#pragma once

#include <string>

#include "stx/explain/attribution.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

/// Everything `stx explain` writes into `folder`, staged in `files` (they appear together).
void write_attribution_files(const std::string& folder, const SlideData& data,
                             const Prediction& prediction, const ModelMetadata& m, const RegionOfInterest& region,
                             const RegionExplanation& e, StagedFiles& files);

}  // namespace stx
