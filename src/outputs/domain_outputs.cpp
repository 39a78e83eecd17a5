#include "stx/outputs/domain_outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "stx/core/run_folder.hpp"
#include "stx/core/error.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/heatmap.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

// The CLI's names keep a figure title within its panel: "combined · neighbours · kmeans (k = 4)".
std::string method_title(const DomainRun& r) {
  return fmt::format("{} \u00b7 {} \u00b7 {} (k = {})", domain_features().name(r.method.features),
                     domain_spatial().name(r.method.spatial), domain_clusterings().name(r.method.clustering),
                     r.result.k);
}

// A domain's name on maps and heatmap columns; the same name gets the same colour in both.
std::string domain_label(int label) { return fmt::format("domain {}", label + 1); }

}  // namespace

DomainTables::DomainTables(std::string dir)
    : dir_(std::move(dir)),
      metrics_((fs::path(dir_) / run_folder::kDomainMetrics).string(), run_folder::domain_metrics_columns()),
      pathways_((fs::path(dir_) / run_folder::kDomainPathways).string(), run_folder::domain_pathways_columns()),
      stability_((fs::path(dir_) / run_folder::kDomainStability).string(), run_folder::domain_stability_columns()) {}

std::string short_pathway_name(const std::string& name) {
  if (name.rfind("HALLMARK_", 0) != 0) return name;  // a set of the user's GMT: as named
  // Words in lower case, but gene and complex names as written (NFKB, MTORC1, E2F).
  static const std::vector<std::string> kept = {"TNFA", "NFKB", "DNA", "UV", "KRAS", "MYC", "E2F", "G2M",
                                                "MTORC1", "IL2", "STAT5", "IL6", "JAK", "STAT3", "PI3K",
                                                "AKT", "MTOR", "TGF", "WNT", "UPR", "V1", "V2", "DN", "UP"};
  std::string result;
  size_t start = 9;
  while (start <= name.size()) {
    const size_t end = std::min(name.find('_', start), name.size());
    std::string word = name.substr(start, end - start);
    if (std::find(kept.begin(), kept.end(), word) == kept.end())
      for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result += (result.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!result.empty()) result[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(result[0])));
  return result;
}

std::string domain_column_name(const DomainRun& r) {
  std::string name = r.features + "_" + domain_spatial().name(r.method.spatial) + "_" +
                     domain_clusterings().name(r.method.clustering);
  for (char& c : name)
    if (c == ' ') c = '_';
  name.erase(std::remove(name.begin(), name.end(), '+'), name.end());
  for (size_t at; (at = name.find("__")) != std::string::npos;) name.erase(at, 1);
  return name;
}

void DomainTables::add(const Slide& slide, const SlideDomains& d, const DomainSummary& summary,
                       const std::vector<std::string>& pathways) {
  if (!spots_) {
    std::vector<std::string> columns = {"slide", "spot", "x_px", "y_px", "label", "domain"};
    for (const auto& r : d.runs) columns.push_back(domain_column_name(r));
    spots_ = std::make_unique<TsvWriter>((fs::path(dir_) / run_folder::kDomainSpots).string(), columns);
  }
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    const auto u = static_cast<size_t>(i);
    spots_->text(slide.name).text(slide.spot_ids[u]).number(slide.pixel_x[u]).number(slide.pixel_y[u]);
    spots_->text(slide.labels.empty() ? "" : slide.labels[u]);
    spots_->integer(d.runs.front().result.labels[u] + 1);
    for (const auto& r : d.runs) spots_->integer(r.result.labels[u] + 1);
    spots_->end_row();
  }
  for (const auto& r : d.runs) {
    metrics_.text(slide.name).text(r.features).text(domain_spatial().name(r.method.spatial));
    metrics_.text(domain_clusterings().name(r.method.clustering)).text(r.chosen ? "yes" : "no");
    metrics_.integer(r.result.k).fixed(r.result.silhouette, 4).fixed(r.ari, 4);
    metrics_.integer(d.labelled_spots).integer(d.label_classes);
    metrics_.end_row();
  }
  for (const auto& t : summary.tests) {
    pathways_.text(slide.name).integer(t.domain + 1).integer(summary.spots[static_cast<size_t>(t.domain)]);
    pathways_.text(pathways[static_cast<size_t>(t.pathway)]).fixed(summary.mean_z.at(t.domain, t.pathway), 4);
    pathways_.fixed(t.difference, 4).fixed(t.auc, 4).number(t.p, 4).number(t.q, 4);
    pathways_.end_row();
  }
  for (const auto& s : d.stability) {
    stability_.text(slide.name).integer(s.k).integer(s.k + 1).fixed(s.ari, 4).fixed(s.nested, 4);
    stability_.end_row();
  }
  write_png(domain_figure(slide, d), (fs::path(dir_) / ("domains_" + slide.name + ".png")).string(), figures_);
  write_png(domain_heatmap(slide, d, summary, pathways),
            (fs::path(dir_) / ("domain_heatmap_" + slide.name + ".png")).string(), figures_);
}

void DomainTables::commit() {
  STX_CHECK(spots_, ConfigError, "{}: no slide to write domains of", dir_);
  spots_->commit();
  metrics_.commit();
  pathways_.commit();
  stability_.commit();
  figures_.commit();
}

cv::Mat domain_figure(const Slide& slide, const SlideDomains& d) {
  SpotGeometry geometry{slide.pixel_x, slide.pixel_y, slide.spot_diameter_px, slide.um_per_px,
                        slide.image};
  MapStyle style;
  style.map_width_px = 360;
  const MapCanvas canvas(geometry, style);
  std::vector<cv::Mat> panels;
  if (d.labelled_spots > 0) panels.push_back(canvas.categorical(slide.labels, "Pathologist labels"));
  // The chosen domains beside the scanpy baseline (or, for a prediction, the first comparison).
  for (size_t k = 0; k < std::min<size_t>(2, d.runs.size()); ++k) {
    const DomainRun& r = d.runs[k];
    std::vector<std::string> names;
    for (int l : r.result.labels) names.push_back(domain_label(l));
    const std::string score = std::isnan(r.ari) ? fmt::format("silhouette {:.2f}", r.result.silhouette)
                                                : fmt::format("ARI {:.3f}", r.ari);
    panels.push_back(canvas.categorical(names, method_title(r), score));
  }
  return with_heading(hstack_panels(panels), fmt::format("{}: spatial domains", slide.name));
}

cv::Mat domain_heatmap(const Slide& slide, const SlideDomains& d, const DomainSummary& summary,
                       const std::vector<std::string>& pathways) {
  // Rows ordered by the domain where the pathway peaks, then by that peak, so that each
  // domain's pathways form a block.
  const int64_t p = summary.mean_z.cols;
  std::vector<int64_t> order(static_cast<size_t>(p));
  std::vector<std::pair<int, double>> peak(static_cast<size_t>(p), {0, -INFINITY});
  for (int64_t c = 0; c < p; ++c)
    for (int l = 0; l < summary.k; ++l)
      if (summary.mean_z.at(l, c) > peak[static_cast<size_t>(c)].second) peak[static_cast<size_t>(c)] = {l, summary.mean_z.at(l, c)};
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const auto& x = peak[static_cast<size_t>(a)];
    const auto& y = peak[static_cast<size_t>(b)];
    return x.first != y.first ? x.first < y.first : x.second > y.second;
  });
  std::vector<double> values;
  std::vector<std::string> rows, columns;
  for (int64_t c : order) {
    rows.push_back(short_pathway_name(pathways[static_cast<size_t>(c)]));
    for (int l = 0; l < summary.k; ++l) values.push_back(summary.mean_z.at(l, c));
  }
  for (int l = 0; l < summary.k; ++l) columns.push_back(domain_label(l));
  HeatmapStyle style;
  style.cell_w = 56;
  const DomainRun& chosen = d.runs.front();
  return heatmap(values, rows, columns, fmt::format("{}: mean pathway activity per domain", slide.name),
                 method_title(chosen) + "; each pathway in slide sd units", style);
}

}  // namespace stx
