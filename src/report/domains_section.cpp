#include "domains_section.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "html.hpp"
#include "tab_fields.hpp"
#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

// A TSV that stx domains wrote as an HTML table; columns from `first_numeric` on are right-aligned.
std::string checked_table(const fs::path& path, const std::vector<std::string>& columns, size_t first_numeric) {
  html::Table t;
  t.header = columns;
  t.numeric.assign(t.header.size(), false);
  for (size_t c = first_numeric; c < t.numeric.size(); ++c) t.numeric[c] = true;
  for (auto& row : read_checked_tsv(path, t.header)) {
    for (auto& cell : row) cell = html::escape(cell);
    t.rows.push_back(std::move(row));
  }
  return html::render(t);
}

// The three pathways with the largest positive difference at q < 0.05, per slide and domain.
std::string top_pathways_table(const fs::path& path) {
  struct Hit {
    std::string pathway;
    double difference, auc, q;
  };
  std::map<std::pair<std::string, int>, std::pair<std::string, std::vector<Hit>>> by_domain;
  // slide domain spots pathway mean_z difference auc p q
  for (const auto& f : read_checked_tsv(path, run_folder::domain_pathways_columns())) {
    auto& entry = by_domain[{f[0], static_cast<int>(number_cell(f[1], path, "domain"))}];
    entry.first = f[2];
    const double q = number_cell(f[8], path, "q"), difference = number_cell(f[5], path, "difference");
    if (q < 0.05 && difference > 0) entry.second.push_back({f[3], difference, number_cell(f[6], path, "auc"), q});
  }
  html::Table t;
  t.header = {"slide", "domain", "spots", "top pathways (difference in slide sd, AUC, q)"};
  t.numeric = {false, true, true, false};
  for (auto& [key, entry] : by_domain) {
    auto& hits = entry.second;
    std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.difference > b.difference; });
    std::string cell;
    for (size_t i = 0; i < std::min<size_t>(3, hits.size()); ++i)
      cell += fmt::format("{}{} ({:+.2f}, {:.2f}, {:.1e})", i ? "; " : "", html::escape(hits[i].pathway),
                          hits[i].difference, hits[i].auc, hits[i].q);
    t.rows.push_back({html::escape(key.first), std::to_string(key.second), html::escape(entry.first),
                      cell.empty() ? "none at q &lt; 0.05" : cell});
  }
  return html::render(t);
}

}  // namespace

std::string domains_section(const fs::path& dir) {
  if (!fs::exists(dir / run_folder::kDomainMetrics)) return "";
  std::string out =
      "<h2>Spatial domains</h2>\n<p class=\"note\">Every method clustered the same spots in one run; "
      "&lsquo;chosen&rsquo; marks the domains asked for, the others compare (the first "
      "comparison is scanpy's recipe: expression principal components, no spatial step). ARI: adjusted "
      "Rand index against the pathologist labels on labelled spots (&lsquo;undetermined&rsquo; left "
      "out).</p>\n";
  out += checked_table(dir / run_folder::kDomainMetrics, run_folder::domain_metrics_columns(), 5);
  constexpr const char* kHeatmapPrefix = "domain_heatmap_";
  std::vector<fs::path> maps;
  for (const auto& p : pngs_in(dir))
    if (p.filename().string().rfind(kHeatmapPrefix, 0) != 0) maps.push_back(p);
  for (const auto& p : maps) out += html::image_figure(p.string(), p.stem().string() + ": the domains over the tissue");
  if (fs::exists(dir / run_folder::kDomainPathways)) {
    out += "<h3>What sets each domain apart</h3>\n<p class=\"note\">Per pathway, a Mann&ndash;Whitney U "
           "test of the domain's spots against the rest of the slide; difference of means in slide "
           "standard deviations, AUC, and Benjamini&ndash;Hochberg q over all domain &times; pathway "
           "tests of the slide.</p>\n";
    out += top_pathways_table(dir / run_folder::kDomainPathways);
  }
  for (const auto& p : pngs_in(dir, kHeatmapPrefix))
    out += html::image_figure(p.string(), p.stem().string() + ": mean pathway activity per domain");
  if (fs::exists(dir / run_folder::kDomainStability)) {
    out += "<h3>Domains at neighbouring k</h3>\n<p class=\"note\">The chosen method at k and k + 1: "
           "their ARI, and the share of spots whose k + 1 domain lies mostly inside their k domain "
           "(1 = nested).</p>\n";
    out += checked_table(dir / run_folder::kDomainStability, run_folder::domain_stability_columns(), 1);
  }
  return out;
}

}  // namespace stx
