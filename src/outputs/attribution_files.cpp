#include "stx/outputs/attribution_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "stx/core/run_folder.hpp"
#include "stx/explain/feature_groups.hpp"
#include "stx/io/files/tsv_writer.hpp"
#include "stx/outputs/prediction_maps.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace {

std::string in_folder(const std::string& folder, const char* name) {
  return (std::filesystem::path(folder) / name).string();
}

void write_spots(const std::string& path, const SlideData& data, const Prediction& p, const ModelMetadata& m,
                 const RegionOfInterest& region, const RegionExplanation& e) {
  TsvWriter tsv(path, {"spot", "pixel_x", "pixel_y", "in_region", "predicted_activity", "attribution"});
  const auto n_pathways = static_cast<int64_t>(m.pathways.size());
  for (int64_t i = 0; i < data.n_spots(); ++i) {
    const auto u = static_cast<size_t>(i);
    tsv.text(data.spots.spot_ids[u]).number(data.spots.pixel_x[u], 8).number(data.spots.pixel_y[u], 8).integer(region.spots[u]);
    tsv.number(p.pathways[static_cast<size_t>(i * n_pathways + region.pathway)]).number(e.per_spot[u]);
    tsv.end_row();
  }
  tsv.commit();
}

void write_features(const std::string& path, const ModelMetadata& m, const RegionExplanation& e) {
  const std::vector<std::string> names = feature_names_for(m.feature_names, e.per_feature.size());
  std::vector<size_t> order(e.per_feature.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return std::abs(e.per_feature[a]) > std::abs(e.per_feature[b]); });
  TsvWriter tsv(path, {"feature", "group", "attribution"});
  for (size_t f : order) {
    tsv.text(names[f]).text(feature_group(names[f])).number(e.per_feature[f]);
    tsv.end_row();
  }
  tsv.commit();
}

void write_groups(const std::string& path, const ModelMetadata& m, const RegionExplanation& e) {
  TsvWriter tsv(path, {"group", "features", "attribution"});
  for (const GroupAttribution& g : group_attributions(feature_names_for(m.feature_names, e.per_feature.size()), e.per_feature)) {
    tsv.text(g.group).integer(g.features).number(g.attribution);
    tsv.end_row();
  }
  tsv.commit();
}

void write_deletion(const std::string& path, const RegionExplanation& e) {
  TsvWriter tsv(path, {"removed_fraction", "activity_most_attributed_removed_first", "activity_random_order"});
  for (size_t k = 0; k < e.removed_fraction.size(); ++k) {
    tsv.number(e.removed_fraction[k]).number(e.deletion[k]).number(e.random_deletion[k]);
    tsv.end_row();
  }
  tsv.commit();
}

void write_checks(const std::string& path, const ModelMetadata& m, const RegionOfInterest& region,
                  const RegionExplanation& e) {
  TsvWriter tsv(path, run_folder::attribution_checks_columns());
  const double sum = std::accumulate(e.per_spot.begin(), e.per_spot.end(), 0.0);
  tsv.text(m.pathways[static_cast<size_t>(region.pathway)])
      .integer(std::count(region.spots.begin(), region.spots.end(), uint8_t{1}))
      .number(e.attribution.activity).number(e.attribution.baseline_activity)
      .number((e.attribution.activity - e.attribution.baseline_activity) / m.pathway_sd[static_cast<size_t>(region.pathway)])
      .number(sum).number(e.completeness_gap)
      .number(e.deletion_area).number(e.random_deletion_area).number(e.deletion_area / e.random_deletion_area)
      .number(e.sanity_rank_correlation);
  tsv.end_row();
  tsv.commit();
}

cv::Mat attribution_figure(const SlideData& data, const Prediction& p, const ModelMetadata& m,
                           const RegionOfInterest& region, const RegionExplanation& e) {
  const MapCanvas canvas(spot_geometry(data));
  const auto n_pathways = static_cast<int64_t>(m.pathways.size());
  std::vector<double> activity, in_region;
  std::vector<std::string> labels;
  for (int64_t i = 0; i < data.n_spots(); ++i) {
    activity.push_back(p.pathways[static_cast<size_t>(i * n_pathways + region.pathway)]);
    labels.push_back(region.spots[static_cast<size_t>(i)] ? "in the region" : "");
  }
  const std::string& name = m.pathways[static_cast<size_t>(region.pathway)];
  return with_heading(
      hstack_panels({canvas.categorical(labels, "region"), canvas.continuous(activity, "predicted " + name),
                     canvas.continuous(e.per_spot, "integrated gradients",
                                       ColourRange{{}, {}, /*centred=*/true}, fmt::format("sum {:.3g}, gap {:.1e}", std::accumulate(e.per_spot.begin(), e.per_spot.end(), 0.0),
                                                       e.completeness_gap))}),
      fmt::format("What made the model predict {} in the region ({})", name, data.name()));
}

}  // namespace

void write_attribution_files(const std::string& folder, const SlideData& data,
                             const Prediction& prediction, const ModelMetadata& m, const RegionOfInterest& region,
                             const RegionExplanation& e, StagedFiles& files) {
  write_spots(files.reserve(in_folder(folder, run_folder::kAttributionSpots)), data, prediction, m, region, e);
  write_features(files.reserve(in_folder(folder, run_folder::kAttributionFeatures)), m, e);
  write_groups(files.reserve(in_folder(folder, run_folder::kAttributionGroups)), m, e);
  write_deletion(files.reserve(in_folder(folder, run_folder::kAttributionDeletion)), e);
  write_checks(files.reserve(in_folder(folder, run_folder::kAttributionChecks)), m, region, e);
  write_png(attribution_figure(data, prediction, m, region, e), in_folder(folder, run_folder::kAttributionPng),
            files);
}

}  // namespace stx
