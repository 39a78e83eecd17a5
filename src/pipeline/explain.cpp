#include "stx/pipeline/explain.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/explain/feature_groups.hpp"
#include "stx/outputs/attribution_files.hpp"
#include "stx/pipeline/model_registry.hpp"
#include "stx/pipeline/predict.hpp"

namespace stx {
namespace {

// The spots whose centres fall in --region (x, y, width, height in µm from the image's top left,
// as --map-zoom); every spot without one.
std::vector<uint8_t> region_spots(const std::vector<double>& rect, const SlideData& spots) {
  STX_CHECK(rect.empty() || (rect.size() == 4 && rect[2] > 0 && rect[3] > 0 &&
                             std::all_of(rect.begin(), rect.end(), [](double v) { return std::isfinite(v); })),
            ConfigError, "--region: expected X,Y,WIDTH,HEIGHT in µm, width and height above 0");
  std::vector<uint8_t> in(static_cast<size_t>(spots.n_spots()), rect.empty() ? 1 : 0);
  if (rect.empty()) return in;
  const std::vector<double> x_um = spots.x_um(), y_um = spots.y_um();
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = x_um[i] >= rect[0] && x_um[i] < rect[0] + rect[2] && y_um[i] >= rect[1] && y_um[i] < rect[1] + rect[3];
  STX_CHECK(std::count(in.begin(), in.end(), uint8_t{1}) > 0, ConfigError,
            "--region {}: no spot of the slide has its centre there", fmt::join(rect, ","));
  return in;
}

// --top F: the share F of the spots with the highest predicted activity (ties kept).
std::vector<uint8_t> top_spots(double fraction, const Prediction& p, int64_t pathway, int64_t n_pathways) {
  STX_CHECK(fraction > 0 && fraction <= 1, ConfigError, "--top: {}; expected a share of the spots in (0, 1]", fraction);
  std::vector<double> activity;
  for (int64_t i = 0; i < p.n_spots; ++i) activity.push_back(p.pathways[static_cast<size_t>(i * n_pathways + pathway)]);
  std::vector<double> sorted = activity;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const auto keep = std::max<size_t>(1, static_cast<size_t>(std::lround(fraction * static_cast<double>(sorted.size()))));
  const double threshold = sorted[keep - 1];
  std::vector<uint8_t> in;
  for (double v : activity) in.push_back(v >= threshold);
  return in;
}

std::vector<std::string> top_groups(const RegionExplanation& e, const ModelMetadata& m) {
  std::vector<std::string> out;
  for (const GroupAttribution& g : group_attributions(feature_names_for(m.feature_names, e.per_feature.size()), e.per_feature))
    if (out.size() < 4) out.push_back(fmt::format("{} ({:+.3g})", g.group, g.attribution));
  return out;
}

}  // namespace

ExplainResult run_explain(ExplainRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  run.slide.read.require_image = true;
  run.grid.kind = parse_grid_kind(run.grid_kind);
  STX_CHECK(!run.pathway.empty(), ConfigError, "explain: name the pathway to explain with --pathway");
  const std::filesystem::path out(run.out);
  STX_CHECK(run.force || !std::filesystem::exists(out / run_folder::kAttributionChecks), ConfigError,
            "{}: already holds an explanation (pass --force to overwrite)", out.string());
  const ModelEntry chosen = resolve_model(run.model);
  const TrainedModel model = TrainedModel::load(chosen.path);
  const ModelMetadata& m = model.metadata();
  RegionOfInterest region;
  region.pathway = pathway_index(m, run.pathway);
  make_output_folder(out.string());

  EncoderOptions encoder = model_encoder_options(m);
  encoder.threads = run.options.threads;
  const Slide slide = read_slide_or_image(run.slide.read, run.grid);
  const SlidePrediction predicted = predict_slide(model, slide, encoder, run.cache_dir, false, chosen.name);
  STX_CHECK(run.region_um.empty() || run.top_fraction == 0, ConfigError, "--region and --top: give one of them");
  region.spots = run.top_fraction > 0 ? top_spots(run.top_fraction, predicted.prediction, region.pathway,
                                                  static_cast<int64_t>(m.pathways.size()))
                                      : region_spots(run.region_um, predicted.spots);
  ExplainResult r;
  r.explanation = explain_region(model, predicted.spots, region, run.options);
  StagedFiles files;
  write_attribution_files(out.string(), predicted.spots, predicted.prediction, m, region, r.explanation, files);
  files.commit();
  r.slide = slide.name;
  r.model = chosen.name;
  r.pathway = m.pathways[static_cast<size_t>(region.pathway)];
  r.out = out.string();
  r.spots = predicted.spots.n_spots();
  r.region_spots = std::count(region.spots.begin(), region.spots.end(), uint8_t{1});
  r.top_groups = top_groups(r.explanation, m);
  r.change_sd = (r.explanation.attribution.activity - r.explanation.attribution.baseline_activity) /
                m.pathway_sd[static_cast<size_t>(region.pathway)];
  return r;
}

std::string describe(const ExplainResult& r) {
  const RegionExplanation& e = r.explanation;
  return fmt::format(
      "{} on {} ({} of {} spots), model {}: predicted {:.4g}, {:.4g} at the baseline (training-mean features): "
      "{:+.2f} training sd{}\n"
      "Integrated gradients sum to {:.4g} (completeness gap {:.1e}); largest by feature group: {}\n"
      "Checks: removing the most attributed spots first goes {:.2f} of the way to the baseline on average, "
      "random removal {:.2f} ({:.2f}x); attribution of a model with randomised weights: Spearman {:.2f} with this "
      "one\n"
      "Wrote {}/{}, {}, {}, {}, {} and {}\n",
      r.pathway, r.slide, r.region_spots, r.spots, r.model, e.attribution.activity, e.attribution.baseline_activity,
      r.change_sd,
      std::abs(r.change_sd) < 0.1 ? " (little to explain: the deletion check below divides by this change)" : "",
      std::accumulate(e.per_spot.begin(), e.per_spot.end(), 0.0), e.completeness_gap, fmt::join(r.top_groups, ", "),
      e.deletion_area, e.random_deletion_area, e.deletion_area / e.random_deletion_area, e.sanity_rank_correlation,
      r.out, run_folder::kAttributionSpots, run_folder::kAttributionFeatures, run_folder::kAttributionGroups, run_folder::kAttributionDeletion,
      run_folder::kAttributionChecks, run_folder::kAttributionPng);
}

}  // namespace stx
