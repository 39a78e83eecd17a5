#include "stx/outputs/slide_summary_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <utility>
#include <vector>

namespace stx {
namespace {
size_t label_classes(const Slide& slide) {
  std::set<std::string> classes(slide.labels.begin(), slide.labels.end());
  classes.erase("");
  return classes.size();
}
}  // namespace

std::string format_summary(const Slide& slide, const SlideSummary& s) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"slide", slide.name},
      {"format", slide.source_format},
      {"source", slide.source_path},
      {"spots", std::to_string(s.n_spots)},
      {"genes", std::to_string(s.n_genes)},
      {"median counts / spot", fmt::format("{:.0f}", s.median_counts_per_spot)},
      {"median genes / spot", fmt::format("{:.0f}", s.median_genes_per_spot)},
      {"genes detected", fmt::format("{} (in >= 1 spot)", s.genes_detected)},
      {"zero-count spots", std::to_string(s.zero_count_spots)},
      {"coordinates", slide.has_coordinates() ? "yes" : "no"},
      {"image", slide.image ? fmt::format("{} x {} px ({})", s.image_width, s.image_height,
                                          slide.image->path())
                            : "none"},
      {"um / px", std::isfinite(s.um_per_px) ? fmt::format("{:.4f}", s.um_per_px) : "unknown"},
  };
  if (!slide.labels.empty())
    rows.push_back({"labels", fmt::format("{} classes", label_classes(slide))});
  if (s.n_in_tissue >= 0) rows.insert(rows.begin() + 5, {"in tissue", std::to_string(s.n_in_tissue)});
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  std::string out;
  for (const auto& [name, value] : rows) out += fmt::format("  {:<{}} = {}\n", name, width, value);
  for (const auto& note : slide.notes) out += fmt::format("  note: {}\n", note);
  return out;
}

nlohmann::json summary_json(const Slide& slide, const SlideSummary& s) {
  nlohmann::json j;
  j["slide"] = slide.name;
  j["format"] = slide.source_format;
  j["source"] = slide.source_path;
  j["spots"] = s.n_spots;
  j["genes"] = s.n_genes;
  j["in_tissue"] = s.n_in_tissue;
  j["total_counts"] = s.total_counts;
  j["median_counts_per_spot"] = s.median_counts_per_spot;
  j["median_genes_per_spot"] = s.median_genes_per_spot;
  j["genes_detected"] = s.genes_detected;
  j["zero_count_spots"] = s.zero_count_spots;
  j["image_width"] = s.image_width;
  j["image_height"] = s.image_height;
  j["um_per_px"] = std::isfinite(s.um_per_px) ? nlohmann::json(s.um_per_px) : nlohmann::json();
  j["label_classes"] = label_classes(slide);
  j["notes"] = slide.notes;
  j["warnings"] = slide.warnings;
  return j;
}

}  // namespace stx
