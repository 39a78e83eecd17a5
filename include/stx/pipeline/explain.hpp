// `stx explain`: which spots and features made a model predict a pathway's activity in a region
// of a slide, by integrated gradients, with the checks of docs/explain.md (completeness, a
// deletion curve against random deletion, the randomised-weights sanity check).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/explain/attribution.hpp"
#include "stx/histology/image/tissue.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct ExplainRun {
  SlideInput slide;
  PseudoSpotOptions grid;
  std::string grid_kind = "hex";
  std::string model;                 // a model file or a shipped model's name; "" = the default
  std::string pathway;               // its name; the HALLMARK_ prefix may be left out
  std::vector<double> region_um;     // x, y, width, height in µm from the image's top left; empty = all
  double top_fraction = 0;           // > 0: the region is the spots predicted highest, this share of them
  std::string out = "stx-explain";   // folder for the attribution files
  std::string cache_dir = "stx-cache";
  ExplainOptions options;
  bool force = false;
};

struct ExplainResult {
  std::string slide, model, pathway, out;
  int64_t spots = 0, region_spots = 0;
  RegionExplanation explanation;
  double change_sd = 0;  // (activity - baseline activity) in training sd of the pathway
  std::vector<std::string> top_groups;  // the four feature groups with the largest |attribution|
};

ExplainResult run_explain(ExplainRun run);

/// The attribution's headline and its checks, as `stx explain` prints them.
std::string describe(const ExplainResult& result);

}  // namespace stx
