#include "stx/outputs/domain_outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "stx/core/run_folder.hpp"
#include "stx/core/error.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace fs = std::filesystem;

DomainTables::DomainTables(std::string dir)
    : dir_(std::move(dir)),
      metrics_((fs::path(dir_) / run_folder::kDomainMetrics).string(),
               {"slide", "features", "smoothed", "k", "silhouette", "ari", "labelled_spots", "label_classes"}) {}

std::string domain_column_name(const DomainRun& r) {
  std::string name = r.features;
  std::replace(name.begin(), name.end(), ' ', '_');
  return r.smoothed ? name : name + "_unsmoothed";
}

void DomainTables::add(const Slide& slide, const SlideDomains& d) {
  if (!spots_) {
    std::vector<std::string> columns = {"slide", "spot", "x_px", "y_px", "label"};
    for (const auto& r : d.runs) columns.push_back(domain_column_name(r));
    spots_ = std::make_unique<TsvWriter>((fs::path(dir_) / run_folder::kDomainSpots).string(), columns);
  }
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    const auto u = static_cast<size_t>(i);
    spots_->text(slide.name).text(slide.spot_ids[u]).number(slide.pixel_x[u]).number(slide.pixel_y[u]);
    spots_->text(slide.labels.empty() ? "" : slide.labels[u]);
    for (const auto& r : d.runs) spots_->integer(r.result.labels[u] + 1);
    spots_->end_row();
  }
  for (const auto& r : d.runs) {
    metrics_.text(slide.name).text(r.features).text(r.smoothed ? "yes" : "no").integer(r.result.k);
    metrics_.fixed(r.result.silhouette, 4).fixed(r.ari, 4).integer(d.labelled_spots).integer(d.label_classes);
    metrics_.end_row();
  }
}

void DomainTables::commit() {
  STX_CHECK(spots_, ConfigError, "{}: no slide to write domains of", dir_);
  spots_->commit();
  metrics_.commit();
}

std::string write_domain_figure(const Slide& slide, const SlideDomains& d, const std::string& dir) {
  SpotGeometry geometry{slide.pixel_x, slide.pixel_y, slide.spot_diameter_px, slide.um_per_px,
                        slide.image};
  MapStyle style;
  style.map_width_px = 360;
  const MapCanvas canvas(geometry, style);
  std::vector<cv::Mat> panels;
  if (d.labelled_spots > 0) panels.push_back(canvas.categorical(slide.labels, "Pathologist labels"));
  for (const auto& r : d.runs) {
    if (!r.smoothed) continue;
    std::vector<std::string> names;
    for (int l : r.result.labels) names.push_back(fmt::format("domain {}", l + 1));
    const std::string score = std::isnan(r.ari) ? fmt::format("silhouette {:.2f}", r.result.silhouette)
                                                : fmt::format("ARI {:.3f}", r.ari);
    panels.push_back(canvas.categorical(names, fmt::format("{} (k = {})", r.features, r.result.k), score));
  }
  const std::string path = (fs::path(dir) / ("domains_" + slide.name + ".png")).string();
  write_png(with_heading(hstack_panels(panels), fmt::format("{}: spatial domains", slide.name)), path);
  return path;
}

}  // namespace stx
