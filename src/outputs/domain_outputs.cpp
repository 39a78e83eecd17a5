#include "stx/outputs/domain_outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "stx/core/run_folder.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace fs = std::filesystem;

DomainTables::DomainTables() {
  metrics_ << "slide\tfeatures\tsmoothed\tk\tsilhouette\tari\tlabelled_spots\tlabel_classes\n";
}

std::string domain_column_name(const DomainRun& r) {
  std::string name = r.features;
  std::replace(name.begin(), name.end(), ' ', '_');
  return r.smoothed ? name : name + "_unsmoothed";
}

void DomainTables::add(const Slide& slide, const SlideDomains& d) {
  if (!has_header_) {
    spots_ << "slide\tspot\tx_px\ty_px\tlabel";
    for (const auto& r : d.runs) spots_ << '\t' << domain_column_name(r);
    spots_ << '\n';
    has_header_ = true;
  }
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    const auto u = static_cast<size_t>(i);
    spots_ << slide.name << '\t' << slide.spot_ids[u] << '\t' << slide.pixel_x[u] << '\t'
           << slide.pixel_y[u] << '\t' << (slide.labels.empty() ? "" : slide.labels[u]);
    for (const auto& r : d.runs) spots_ << '\t' << r.result.labels[u] + 1;
    spots_ << '\n';
  }
  for (const auto& r : d.runs)
    metrics_ << fmt::format("{}\t{}\t{}\t{}\t{:.4f}\t{}\t{}\t{}\n", slide.name, r.features,
                            r.smoothed ? "yes" : "no", r.result.k, r.result.silhouette,
                            tsv_fixed(r.ari, 4), d.labelled_spots, d.label_classes);
}

void DomainTables::write(const std::string& dir) const {
  write_text_atomically((fs::path(dir) / run_folder::kDomainSpots).string(), spots_.str());
  write_text_atomically((fs::path(dir) / run_folder::kDomainMetrics).string(), metrics_.str());
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
