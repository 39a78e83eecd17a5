// `stx predict`: pathway activities and gene expression from the H&E alone. The features come
// from the encoder the model was trained with (its identity is checked); an image without
// spots gets pseudo-spots on its tissue.
#pragma once

#include <string>

#include "stx/histology/nuclei.hpp"
#include "stx/histology/tissue.hpp"
#include "stx/outputs/prediction_maps.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct PredictRun {
  SlideInput slide;
  PseudoSpotOptions grid;
  std::string grid_kind = "hex";
  std::string model;  // a model file or a shipped model's name; "" = the default shipped model
  std::string output, tsv, maps;
  std::string geojson;  // QuPath objects (.geojson, or .geojson.gz)
  MapRequest map_request;
  std::string weights;
  std::string stain_reference;
  std::string cache_dir = "stx-cache";
  bool detect_nuclei = false;  // image alone: predict at the built-in detector's nuclei
  NucleusOptions nuclei;
  int threads = 0;
  std::string device = "cpu";
  bool force = false;
};

void run_predict(PredictRun run);

/// Where --detect-nuclei writes its centre table: beside the output, `<stem>.nuclei.tsv`.
std::string nuclei_table_path(const std::string& output);

}  // namespace stx
