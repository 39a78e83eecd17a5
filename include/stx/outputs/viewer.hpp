// `stx view`'s folder: a deep-zoom viewer of a slide's predictions over its H&E that opens from
// disk with no server and no network (view/index.html). The H&E is a Deep Zoom tile pyramid
// (deep_zoom.hpp) shown by OpenSeadragon; every spot or cell is drawn on a canvas above it,
// coloured by the pathway or gene picked. Each layer's values are a script of their own
// (values/<k>.js, 16-bit, loaded when picked), so a slide of 10^6 cells opens at once.
#pragma once

#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"
#include "stx/outputs/deep_zoom.hpp"

namespace stx {

struct ViewerLayer {
  std::string name;    // "HALLMARK_HYPOXIA", "ERBB2"
  std::string kind;    // "pathway" or "gene"
  std::string source;  // "predicted" or "measured"
  std::string units;   // what the colour bar says the values are
  std::vector<float> values;  // (N) NaN where a spot has none
};

/// A layer's values as the page reads them: 16-bit steps between the finite minimum and
/// maximum, 65535 for a missing value, little-endian. `lo` and `hi` receive the range.
std::string quantise_values(const std::vector<float>& values, double& lo, double& hi);

/// What the page draws, into `dir`: data.js (the spots' pixels and ids, each layer's range and
/// 1st and 99th percentile, the colour scale's ends as the maps', the domains when `classes`
/// holds N names, the viridis and domain colours the maps use) and values/<k>.js per layer.
/// The tile pyramid is `pyramid`, written as slide_files/ beside them.
void write_viewer_data(const std::string& dir, const Slide& slide, const std::vector<ViewerLayer>& layers,
                       const std::vector<std::string>& classes, const DeepZoomPyramid& pyramid,
                       const DeepZoomOptions& tiles);

/// The page's files (index.html, viewer.js, viewer.css, OpenSeadragon) into `dir`; ConfigError
/// when this stx was built without OpenSeadragon (scripts/install-deps.sh installs it).
void write_viewer_page(const std::string& dir);

/// Whether this stx was built with OpenSeadragon (stx view needs it).
bool viewer_available();

}  // namespace stx
