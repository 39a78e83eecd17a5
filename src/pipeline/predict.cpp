#include "stx/pipeline/predict.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/histology/encoders/feature_cache.hpp"
#include "stx/outputs/geojson.hpp"
#include "stx/outputs/prediction_files.hpp"
#include "stx/pipeline/model_registry.hpp"
#include "stx/pipeline/nuclei.hpp"
#include "stx/stats/map_specificity.hpp"
#include "stx/stats/metrics.hpp"
#include "stx/train/dataset.hpp"
#include "stx/train/domain_shift.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

std::string nuclei_table_path(const std::string& output) {
  return std::filesystem::path(output).replace_extension(".nuclei.tsv").string();
}

namespace {

// On a slide with expression: how well the pathway maps match, and whether they differ from
// one another as much as the measured ones do (map_specificity.hpp).
std::string truth_summary(const SlideData& spots, const Prediction& p, size_t n_pathways) {
  const int64_t n = spots.n_spots(), cols = static_cast<int64_t>(n_pathways);
  const DenseMatrix truth{n, cols, {spots.pathways.begin(), spots.pathways.end()}};
  const DenseMatrix predicted{n, cols, {p.pathways.begin(), p.pathways.end()}};
  const double mean_r = finite_mean(target_metrics(truth, predicted, nullptr).r);
  const MapSpecificity spec = map_specificity(truth, predicted);
  const OwnClosest own = count_own_closest(spec.closest_measured);
  return fmt::format("mean pathway r {:.3f}; maps' mean |r| between pathways {:.3f} predicted, {:.3f} measured; "
                     "{} of {} closest to their own measured map",
                     mean_r, finite_mean(spec.predicted_between), finite_mean(spec.measured_between), own.own,
                     own.defined);
}

}  // namespace

EncoderOptions model_encoder_options(const ModelMetadata& m, const std::string& weights,
                                     const std::string& stain_reference) {
  EncoderOptions options;
  options.name = m.encoder_name;
  options.weights = weights.empty() ? m.encoder_weights : weights;
  options.bf16 = m.encoder_bf16;
  options.stain_reference = stain_reference.empty() ? m.stain_reference : stain_reference;
  options.patch.size_um = m.patch_size_um;
  options.patch.size_px = m.patch_size_px;
  return options;
}

SlidePrediction predict_slide(const TrainedModel& model, const Slide& slide, const EncoderOptions& encoder_options,
                              const std::string& cache_dir, bool attention, const std::string& model_name) {
  const ModelMetadata& m = model.metadata();
  const auto encoder = make_encoder(encoder_options);
  STX_CHECK(encoder_identity(*encoder) == m.encoder_identity, ConfigError,
            "{}: the model was trained on features of '{}', but the encoder now gives '{}' "
            "(different weights or stain reference?)", model_name, m.encoder_identity, encoder_identity(*encoder));
  const CacheResult cached = encode_with_cache(slide, *encoder, encoder_options.patch, cache_dir, false);
  SlidePrediction out;
  out.spots = slide_data_for_model(slide, cached.features, m, &out.why_no_truth);
  if (m.encoder_tail.blocks > 0)
    add_finetuning_tokens(out.spots, slide, *finetuning_vit(encoder_options, m.encoder_tail.blocks), encoder_options,
                          m.encoder_tail.blocks);
  out.prediction = model.predict(out.spots, attention, encoder_options.threads);
  clip_predicted_genes(out.prediction);
  return out;
}

namespace {

// The options, resolved and checked before the model is read.
void prepare_run(PredictRun& run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  run.slide.read.require_image = true;
  run.grid.kind = parse_grid_kind(run.grid_kind);
  check_distinct_outputs({{"-o", run.output}, {"--tsv", run.tsv}, {"--geojson", run.geojson}});
  check_cells_need_an_image(run.slide.read);
  STX_CHECK(!run.maps.empty() || (run.map_request.zoom_um.empty() && run.map_request.pathways.empty()),
            ConfigError, "{} draws into the maps folder: give --maps DIR as well",
            run.map_request.zoom_um.empty() ? "--map-pathway" : "--map-zoom");
  check_output_path(run.output, run.force);
  check_output_path(run.tsv, run.force);
  check_output_path(run.geojson, run.force);
  if (!run.maps.empty()) make_output_folder(run.maps);
}

// --detect-nuclei: the built-in detector's nuclei become the cells to predict at.
NucleiResult detect_nuclei_first(PredictRun& run) {
  STX_CHECK(run.slide.read.cells_path.empty(), ConfigError, "--detect-nuclei and --cells: give one source of cells");
  STX_CHECK(is_image_path(run.slide.read.input), ConfigError,
            "{}: --detect-nuclei needs an H&E image alone (.jpg, .png, .tif, .svs, ...)", run.slide.read.input);
  NucleiRun nuclei{run.slide.read.input, run.slide.read.um_per_px, run.nuclei, nuclei_table_path(run.output),
                   run.threads, run.force};
  NucleiResult found = run_nuclei(nuclei);
  run.slide.read.cells_path = nuclei.output;
  return found;
}

// Per spot, the share of its features beyond kOutOfDomainZ sd of the training spots; a warning
// when the median spot is far out (a new stain, scanner or resolution).
std::vector<float> warn_outside_training(const Slide& slide, const SlideData& spots, const ModelMetadata& m) {
  const std::string resolution = resolution_mismatch(slide.um_per_px, m);
  if (!resolution.empty()) log()->warn("{}: outside the training domain: {}", slide.name, resolution);
  std::vector<float> out_of_domain = out_of_domain_share(spots, m);
  const double median_out = median(std::vector<double>(out_of_domain.begin(), out_of_domain.end()));
  if (median_out > kOutOfDomainMedianShare)
    log()->warn("{}: outside the training domain: the median spot has {:.0f} % of its {} features beyond {:g} sd of "
                "the model's training spots (training sections: under 5 %); its predictions are extrapolations. "
                "Per spot: obsm['stx_out_of_domain']", slide.name, 100 * median_out, m.feature_mean.size(),
                kOutOfDomainZ);
  return out_of_domain;
}

}  // namespace

PredictResult run_predict(PredictRun run) {
  PredictResult r;
  prepare_run(run);
  const ModelEntry chosen = resolve_model(run.model);
  run.model = chosen.path;
  const TrainedModel model = TrainedModel::load(run.model);
  const ModelMetadata& m = model.metadata();
  check_map_request(run.map_request, m);
  if (run.detect_nuclei) r.nuclei = detect_nuclei_first(run);

  EncoderOptions encoder_options = model_encoder_options(m, run.weights, run.stain_reference);
  encoder_options.threads = run.threads;
  encoder_options.device = run.device;
  const Slide slide = read_slide_or_image(run.slide.read, run.grid);
  SlidePrediction predicted = predict_slide(model, slide, encoder_options, run.cache_dir, !run.maps.empty(), run.model);
  const SlideData& spots = predicted.spots;
  const Prediction& p = predicted.prediction;
  const std::string& why_no_truth = predicted.why_no_truth;
  const std::vector<float> out_of_domain = warn_outside_training(slide, spots, m);
  // The .h5ad, the TSV and the maps appear together, or (on any error) none of them.
  StagedFiles outputs;
  const Slide prediction = prediction_output_slide(spots, p, m, run.model, STX_VERSION, out_of_domain);
  write_prediction_h5ad(prediction, outputs.reserve(run.output));
  if (!run.geojson.empty()) {
    GeoJsonOptions geojson;
    geojson.objects = run.slide.read.cells_path.empty() ? GeoJsonObjects::kDetection : GeoJsonObjects::kCell;
    geojson.gzip = is_gzip_name(run.geojson);
    write_geojson(prediction, outputs.reserve(run.geojson), geojson);
  }
  if (!run.tsv.empty()) write_prediction_tsv(spots, p, m, out_of_domain, outputs.reserve(run.tsv));
  std::vector<std::string> maps;
  if (!run.maps.empty())
    maps = write_prediction_maps(spots, p, m, run.maps, run.map_request, outputs);
  outputs.commit();
  r.slide = slide.name;
  r.spots = spots.n_spots();
  r.pseudo_spots = slide.counts.n_rows == 0;
  r.model = chosen.shipped ? chosen.name + ", shipped with stx" : run.model;
  r.training_slides = m.training_slides;
  if (chosen.shipped) r.card = chosen.card;
  r.pathways = static_cast<int64_t>(m.pathways.size());
  r.genes = static_cast<int64_t>(m.genes.size());
  if (spots.has_targets()) {
    r.measured = truth_summary(spots, p, m.pathways.size());
    r.slide_in_training =
        std::find(m.training_slides.begin(), m.training_slides.end(), slide.name) != m.training_slides.end();
  }
  if (!run.maps.empty() && !spots.has_targets()) r.why_no_maps = why_no_truth;
  r.output = run.output;
  r.tsv = run.tsv;
  r.geojson = run.geojson;
  r.maps = maps;
  return r;
}

std::string describe(const PredictResult& r) {
  std::string text = r.nuclei ? describe(*r.nuclei) : std::string();
  text += fmt::format("  slide     = {} ({} spots{})\n", r.slide, r.spots,
                      r.pseudo_spots ? ", pseudo-spots on the tissue" : "");
  text += fmt::format("  model     = {} (trained on {})\n", r.model, fmt::join(r.training_slides, ", "));
  if (!r.card.empty()) text += fmt::format("  card      = {}\n", r.card);
  text += fmt::format("  predicted = {} pathways, {} genes per spot\n", r.pathways, r.genes);
  if (!r.measured.empty()) {
    text += fmt::format("  measured  = {}\n", r.measured);
    if (r.slide_in_training)
      text += fmt::format("  note      = a slide named {} is in the model's training data: these numbers are its fit "
                          "to data it has seen, not its accuracy on a new slide\n", r.slide);
  }
  if (!r.why_no_maps.empty()) text += fmt::format("  no measured-vs-predicted maps: {}\n", r.why_no_maps);
  text += fmt::format("Wrote {}{}{}\n", r.output, r.tsv.empty() ? "" : " and " + r.tsv,
                      r.geojson.empty() ? "" : " and " + r.geojson + " (QuPath: File > Import objects)");
  for (const auto& path : r.maps) text += fmt::format("Wrote {}\n", path);
  return text;
}

}  // namespace stx
