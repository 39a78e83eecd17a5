#include "stx/domains/slide_domains.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "stx/core/error.hpp"
#include "stx/expression/highly_variable.hpp"
#include "stx/expression/normalize.hpp"

namespace stx {

bool usable_label(const std::string& label) { return !label.empty() && label != "undetermined"; }

DenseMatrix expression_pcs(const CsrMatrix& counts, int genes, int pcs) {
  const CsrMatrix logged = log_normalize(counts);
  const int64_t n = logged.n_rows, g = logged.n_cols;
  GeneMoments moments(g);
  moments.add(logged);
  const std::vector<int64_t> order = highly_variable_genes(moments, genes);
  std::vector<int64_t> column_of(static_cast<size_t>(g), -1);
  for (size_t k = 0; k < order.size(); ++k) column_of[static_cast<size_t>(order[k])] = static_cast<int64_t>(k);

  DenseMatrix dense{n, static_cast<int64_t>(order.size()), {}};
  dense.values.assign(static_cast<size_t>(dense.rows * dense.cols), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t e = logged.indptr[static_cast<size_t>(i)]; e < logged.indptr[static_cast<size_t>(i) + 1]; ++e) {
      const int64_t c = column_of[static_cast<size_t>(logged.indices[static_cast<size_t>(e)])];
      if (c >= 0) dense.at(i, c) = logged.data[static_cast<size_t>(e)];
    }
  const int components = static_cast<int>(std::min<int64_t>({pcs, dense.rows, dense.cols}));
  return principal_components(standardise_columns(std::move(dense)), components);
}

SlideDomains slide_domains(const Slide& slide, const DenseMatrix& pathway_activity,
                           const std::string& pathway_source, const SlideDomainOptions& options) {
  STX_CHECK(pathway_activity.rows == slide.n_spots(), ShapeError,
            "{}: pathway activity for {} spots, the slide has {}", slide.source_path,
            pathway_activity.rows, slide.n_spots());
  STX_CHECK(slide.has_coordinates(), FormatError,
            "{}: spots have no coordinates; spatial domains need them", slide.source_path);
  SlideDomains out;
  out.slide = slide.name;
  std::vector<int64_t> labelled;
  std::set<std::string> classes;
  for (int64_t i = 0; i < static_cast<int64_t>(slide.labels.size()); ++i)
    if (usable_label(slide.labels[static_cast<size_t>(i)])) {
      labelled.push_back(i);
      classes.insert(slide.labels[static_cast<size_t>(i)]);
    }
  out.labelled_spots = static_cast<int64_t>(labelled.size());
  out.label_classes = static_cast<int>(classes.size());

  DomainOptions clustering = options.clustering;
  if (clustering.k == 0 && options.k_from_labels && out.label_classes >= 2)
    clustering.k = out.label_classes;

  const SpotGraph graph = adjacency_graph(slide.pixel_x, slide.pixel_y);
  auto run = [&](const std::string& name, const DenseMatrix& features, bool smoothed) {
    DomainOptions o = clustering;
    if (!smoothed) o.smoothing_rounds = 0;
    DomainRun r{name, smoothed, spatial_domains(features, graph, o), std::nan("")};
    if (!labelled.empty()) {
      std::vector<std::string> truth;
      std::vector<int> found;
      for (int64_t i : labelled) {
        truth.push_back(slide.labels[static_cast<size_t>(i)]);
        found.push_back(r.result.labels[static_cast<size_t>(i)]);
      }
      r.ari = adjusted_rand_index(label_codes(truth), found);
    }
    out.runs.push_back(std::move(r));
  };
  run(pathway_source, pathway_activity, true);
  run(pathway_source, pathway_activity, false);
  if (options.expression_baseline && slide.counts.n_rows == slide.n_spots() &&
      slide.counts.n_cols > 0) {
    const DenseMatrix pcs = expression_pcs(slide.counts, options.expression_genes, options.expression_pcs);
    run("expression PCA", pcs, true);
    run("expression PCA", pcs, false);
  }
  return out;
}

}  // namespace stx
