// `stx view`: a folder that opens a deep-zoom viewer of a prediction over its H&E from disk
// (view/index.html; no server, no network): the H&E as a tile pyramid, every spot or cell
// coloured by any pathway or gene, measured beside predicted when the measured slide is given,
// domains, a colour bar, the view's state in the address (stx/outputs/viewer.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "stx/outputs/deep_zoom.hpp"

namespace stx {

struct ViewRun {
  std::string input;     // an .h5ad of stx predict (or stx score), or a run folder holding one *_predicted.h5ad
  std::string measured;  // an .h5ad of the same slide with measured scores (stx score, the demo's <S>.h5ad);
                         // a run folder's <S>.h5ad beside <S>_predicted.h5ad is taken when not given
  std::string domains;   // stx domains' domains.tsv: each spot's domain as a layer
  std::string image;     // the H&E, when the .h5ad's recorded path has moved
  std::string out = "stx-view";
  int threads = 0;
  bool force = false;
};

struct ViewResult {
  std::string out, slide, input, measured;
  int64_t spots = 0, layers = 0, measured_layers = 0, classified = 0;
  DeepZoomPyramid pyramid;
};

ViewResult run_view(const ViewRun& run);

/// What was written and how to open it.
std::string describe(const ViewResult& result);

}  // namespace stx
