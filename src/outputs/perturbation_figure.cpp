#include "stx/outputs/perturbation_figure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "stx/outputs/prediction_maps.hpp"
#include "stx/viz/bar_chart.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/heatmap.hpp"

namespace stx {

cv::Mat perturbation_figure(const std::vector<GeneChange>& changes, const ModelMetadata& m, int64_t pathway,
                            double shift_sd, const PathwaySetCheck& check, size_t genes_each_way) {
  const auto bar_of = [&](const GeneChange& c) {
    return Bar{m.genes[static_cast<size_t>(c.gene)], {c.through_sets, c.through_residual}, c.in_set};
  };
  std::vector<Bar> bars;
  const size_t n = changes.size();
  const size_t up = std::min(genes_each_way, n), down = std::min(genes_each_way, n - up);
  for (size_t i = 0; i < up; ++i) bars.push_back(bar_of(changes[i]));
  for (size_t i = n - down; i < n; ++i) bars.push_back(bar_of(changes[i]));
  const std::string& name = m.pathways[static_cast<size_t>(pathway)];
  const std::string title = fmt::format("{} {:+g} sd: the genes that move most", pathway_title(name), shift_sd);
  const std::string subtitle =
      std::isfinite(check.auroc)
          ? fmt::format("bold: in its gene set ({} of the model's {} genes); AUROC of |change|, set vs rest {:.2f} "
                        "(random sets {:.2f})", check.set_genes, m.genes.size(), check.auroc, check.auroc_shuffled)
          : fmt::format("none of its set's genes is among the model's {} genes: every change is the residual's",
                        m.genes.size());
  BarChartStyle style;
  style.plot_w = 560;  // wide enough for the subtitle
  return bar_chart(bars, {"through its gene set's weights", "through the low-rank residual"}, title, subtitle,
                   "change of the predicted gene (model units; line: the total)", style);
}

cv::Mat pathway_coupling_figure(const PathwayCoupling& coupling, const ModelMetadata& m) {
  const auto n = static_cast<size_t>(coupling.n_pathways);
  std::vector<std::string> rows, columns(n);
  for (const auto& name : m.pathways) rows.push_back(pathway_title(name));
  std::vector<double> attention(n * n), overlap(n * n, NAN);
  for (size_t k = 0; k < n * n; ++k) {
    attention[k] = std::log2(std::max(1e-6, static_cast<double>(coupling.attention[k]) * static_cast<double>(n)));
    if (!coupling.overlap.empty() && k / n != k % n) overlap[k] = coupling.overlap[k];
  }
  HeatmapStyle style;
  style.cell_w = style.cell_h = 12;
  style.font_px = 12;
  style.column_swatches = false;
  style.limit = 3;
  std::vector<cv::Mat> panels = {heatmap(attention, rows, columns, "Learned P<->P attention (first layer)",
                                         "log2 of weight x pathways: 0 = uniform, 3 = 8x", style)};
  if (!coupling.overlap.empty()) {
    style.limit = 0.2;
    panels.push_back(heatmap(overlap, rows, columns, "Gene-set overlap (Jaccard)", "the bias the flow starts from", style));
  }
  return hstack_panels(panels, 24);
}

}  // namespace stx
