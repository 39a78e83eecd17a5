// The PNG maps of one prediction: every pathway over the tissue, measured beside predicted
// when the slide has expression, and what chosen pathway tokens attended to (P<-H weights).
#pragma once

#include <string>
#include <vector>

#include "stx/io/files/atomic_file.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {

struct MapRequest {
  std::vector<std::string> pathways;  // attention (and comparison) maps; empty: chosen
  int top = 6;                        // pathways and genes compared when none are named
  std::vector<double> zoom_um;        // x, y, width, height in µm from the image's top left:
                                      // also every pathway over that window alone (cells as dots)
};

/// ConfigError when a requested pathway is not the model's, or the zoom is not 4 numbers
/// with a positive width and height (checked before any work).
void check_map_request(const MapRequest& request, const ModelMetadata& m);

/// "HALLMARK_E2F_TARGETS" -> "E2F targets"-style short title.
std::string pathway_title(const std::string& name);

/// Where a section's spots are drawn: their pixels, the slide's spot size, scale and H&E (all
/// held by data.spots, the slide's view).
SpotGeometry spot_geometry(const SlideData& data);

/// Stages the maps for `dir` (created) in `files`; returns their paths. `data` carries the
/// measured targets when the slide had expression; `p` must hold the attention weights.
std::vector<std::string> write_prediction_maps(const SlideData& data,
                                               const Prediction& p, const ModelMetadata& m,
                                               const std::string& dir, const MapRequest& request,
                                               StagedFiles& files);

}  // namespace stx
