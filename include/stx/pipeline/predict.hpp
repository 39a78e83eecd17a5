// `stx predict`: pathway activities and gene expression from the H&E alone. The features come
// from the encoder the model was trained with (its identity is checked); an image without
// spots gets pseudo-spots on its tissue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/image/nuclei.hpp"
#include "stx/histology/image/tissue.hpp"
#include "stx/outputs/prediction_maps.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/pipeline/nuclei.hpp"
#include "stx/train/trained_model.hpp"

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

struct PredictResult {
  std::optional<NucleiResult> nuclei;  // --detect-nuclei: the detector's run
  std::string slide;
  int64_t spots = 0;
  bool pseudo_spots = false;           // an image alone: pseudo-spots on the tissue
  std::string model;                   // its file, or "NAME, shipped with stx"
  std::vector<std::string> training_slides;
  std::string card;                    // a shipped model's card
  int64_t pathways = 0, genes = 0;
  std::string measured;                // against the slide's measured truth; empty without one
  bool slide_in_training = false;      // a slide of that name trained the model
  std::string why_no_maps;             // maps asked for, but the slide has no truth to compare
  std::string output, tsv, geojson;
  std::vector<std::string> maps;
};

/// Predicts the slide and writes the asked outputs (staged: all or none).
PredictResult run_predict(PredictRun run);

/// What was predicted and written, as `stx predict` prints it.
std::string describe(const PredictResult& result);

/// The encoder a model's features came from, as `stx predict` rebuilds it: the model's own
/// weights and stain reference unless others are given (threads and device left to the caller).
EncoderOptions model_encoder_options(const ModelMetadata& model, const std::string& weights = "",
                                     const std::string& stain_reference = "");

/// One slide as a model sees it and what the model predicts for it.
struct SlidePrediction {
  SlideData spots;           // the features; the measured targets too when the slide has them
  Prediction prediction;     // genes clipped to the range the model was trained on
  std::string why_no_truth;  // why `spots` holds no measured targets ("" when it does)
};

/// Predicts `slide` (spots, cells or pseudo-spots; read_slide or read_slide_or_image) with
/// features of the model's own encoder, checked against the model's record of it (ConfigError
/// naming `model_name` otherwise); features are read from or written to `cache_dir`, as by
/// `stx predict --cache-dir`.
SlidePrediction predict_slide(const TrainedModel& model, const Slide& slide, const EncoderOptions& encoder,
                              const std::string& cache_dir = "stx-cache", bool attention = false,
                              const std::string& model_name = "the model");

/// Where --detect-nuclei writes its centre table: beside the output, `<stem>.nuclei.tsv`.
std::string nuclei_table_path(const std::string& output);

}  // namespace stx
