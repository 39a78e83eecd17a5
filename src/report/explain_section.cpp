#include "explain_section.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "html.hpp"
#include "tab_fields.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

std::string fixed(double v, int decimals) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "&ndash;"; }

// The medians over the pathways of perturbation_checks.tsv, as stx perturb prints them.
std::string perturbation_checks_table(const fs::path& path) {
  std::vector<double> auroc, shuffled;
  double largest_outside = 0;
  int64_t below = 0, without_genes = 0, pathways = 0;
  for (const auto& f : read_checked_tsv(path, run_folder::perturb_checks_columns())) {
    ++pathways;
    const double a = number_cell(f[2], path, "auroc"), s = number_cell(f[3], path, "auroc_shuffled_set");
    largest_outside = std::max(largest_outside, number_cell(f[4], path, "largest_change_outside_set"));
    if (!std::isfinite(a)) {
      ++without_genes;
      continue;
    }
    auroc.push_back(a);
    shuffled.push_back(s);
    below += a < 0.9;
  }
  html::Table t;
  t.header = {"median AUROC, set genes vs the rest", "random sets (control, ≈ 0.5)", "pathways below 0.9",
              "pathways without a set gene among the targets", "largest change outside a set (per sd)"};
  t.numeric.assign(t.header.size(), true);
  t.rows.push_back({fixed(auroc.empty() ? NAN : median(auroc), 3), fixed(shuffled.empty() ? NAN : median(shuffled), 3),
                    fmt::format("{} of {}", below, auroc.size()), fmt::format("{} of {}", without_genes, pathways),
                    fmt::format("{:.3g}", largest_outside)});
  return html::render(t);
}

std::string perturbation_part(const fs::path& dir) {
  if (!fs::exists(dir / run_folder::kPerturbChecks)) return "";
  std::string out =
      "<h3>What the decoder does when a pathway rises (<code>stx perturb</code>)</h3>\n<p class=\"note\">The "
      "model decodes its genes from the pathway activities; raising one pathway by a training sd moves "
      "every gene by a fixed amount. Checks over every pathway: how well the size of a gene's change "
      "separates the pathway's own set genes from the others (AUROC; 1 = every set gene moves more), "
      "against random sets of as many genes, which should sit near 0.5.</p>\n";
  out += perturbation_checks_table(dir / run_folder::kPerturbChecks);
  for (const auto& p : pngs_in(dir, run_folder::kPerturbPngPrefix))
    out += html::image_figure(p.string(), "The genes that rise and fall most when " +
                                              p.stem().string().substr(std::string(run_folder::kPerturbPngPrefix).size()) +
                                              " rises; bold: genes of its set");
  if (fs::exists(dir / run_folder::kCouplingPng))
    out += html::image_figure((dir / run_folder::kCouplingPng).string(),
                              "How the model's pathways attend to one another in its first layer (learned, the same for "
                              "every slide), beside how their gene sets overlap");
  return out;
}

std::string attribution_part(const fs::path& dir) {
  const fs::path path = dir / run_folder::kAttributionChecks;
  if (!fs::exists(path)) return "";
  std::string out =
      "<h3>Which spots made the prediction (<code>stx explain</code>)</h3>\n<p class=\"note\">Integrated "
      "gradients of the region's mean predicted activity, from a baseline of average training features. "
      "Checks: completeness (the attributions add up to the change from the baseline); deletion (setting "
      "the most attributed spots to the baseline first must move the activity faster than random "
      "orders: an area ratio above 1); randomised weights (a model with random weights must attribute "
      "differently: Spearman far from 1). A region barely off the baseline has little to explain.</p>\n";
  html::Table t;
  t.header = {"pathway", "region spots", "activity (baseline)", "change, training sd", "completeness gap",
              "deletion area (random)", "ratio", "randomised-weights Spearman"};
  t.numeric = {false, true, true, true, true, true, true, true};
  for (const auto& f : read_checked_tsv(path, run_folder::attribution_checks_columns())) {
    const auto n = [&](size_t c) { return number_cell(f[c], path, run_folder::attribution_checks_columns()[c]); };
    t.rows.push_back({html::escape(f[0]), html::escape(f[1]), fixed(n(2), 4) + " (" + fixed(n(3), 4) + ")",
                      fmt::format("{:+.2f}", n(4)), fmt::format("{:.1e}", n(6)),
                      fixed(n(7), 2) + " (" + fixed(n(8), 2) + ")", fixed(n(9), 2), fixed(n(10), 2)});
  }
  out += html::render(t);
  if (fs::exists(dir / run_folder::kAttributionPng))
    out += html::image_figure((dir / run_folder::kAttributionPng).string(),
                              "The region explained, the predicted activity, and each spot's attribution over the H&E");
  return out;
}

}  // namespace

std::string explain_section(const fs::path& perturb_dir, const fs::path& explain_dir) {
  const std::string body = perturbation_part(perturb_dir) + attribution_part(explain_dir);
  return body.empty() ? "" : "<h2>Asking the model why</h2>\n" + body;
}

}  // namespace stx
