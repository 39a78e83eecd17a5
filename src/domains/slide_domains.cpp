#include "stx/domains/slide_domains.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/domains/neighbour_counts.hpp"
#include "stx/expression/highly_variable.hpp"
#include "stx/expression/normalize.hpp"

namespace stx {

namespace {

bool has_counts(const Slide& slide) {
  return slide.counts.n_rows == slide.n_spots() && slide.counts.n_cols > 0;
}

// What a slide's X holds: counts, expression an `stx predict` run predicted (already on a log
// scale), or nothing usable.
enum class ExpressionSource { kCounts, kPredicted, kNone };

ExpressionSource expression_source(const Slide& slide, bool x_is_counts) {
  if (!has_counts(slide)) return ExpressionSource::kNone;
  return x_is_counts ? ExpressionSource::kCounts : ExpressionSource::kPredicted;
}

// The comparison methods, in table order: scanpy's baseline (expression, no spatial step)
// first, then each spatial step and feature set that the chosen method is judged against.
// A prediction's baseline is Hist2ST's protocol: k-means on the PCs of predicted expression.
std::vector<DomainMethod> comparison_methods(ExpressionSource x) {
  using F = DomainFeatures;
  using S = DomainSpatial;
  using C = DomainClustering;
  if (x == ExpressionSource::kNone)
    return {{F::kPathways, S::kNone, C::kKmeans}, {F::kPathways, S::kSmoothing, C::kKmeans},
            {F::kPathways, S::kSmoothing, C::kPotts}};
  if (x == ExpressionSource::kPredicted)
    return {{F::kExpression, S::kNone, C::kKmeans},   {F::kExpression, S::kSmoothing, C::kKmeans},
            {F::kPathways, S::kNone, C::kKmeans},     {F::kPathways, S::kSmoothing, C::kKmeans},
            {F::kPathways, S::kSmoothing, C::kPotts}, {F::kCombined, S::kSmoothing, C::kKmeans},
            {F::kCombined, S::kSmoothing, C::kPotts}};
  return {{F::kExpression, S::kNone, C::kKmeans},          {F::kExpression, S::kSmoothing, C::kKmeans},
          {F::kPathways, S::kSmoothing, C::kKmeans},        {F::kExpression, S::kNeighbourCounts, C::kKmeans},
          {F::kExpression, S::kNeighbourCounts, C::kPotts}, {F::kCombined, S::kNeighbourCounts, C::kKmeans},
          {F::kCombined, S::kNeighbourCounts, C::kPotts}};
}

// A method as it can run on the slide: without counts there are none to pool (smoothing
// instead), and without any expression the expression-based features become the pathways.
DomainMethod runnable(DomainMethod m, ExpressionSource x) {
  if (x == ExpressionSource::kCounts) return m;
  if (x == ExpressionSource::kNone) m.features = DomainFeatures::kPathways;
  if (m.spatial == DomainSpatial::kNeighbourCounts) m.spatial = DomainSpatial::kSmoothing;
  return m;
}

// The components scaled so that their total variance is that of `reference` times `share`.
DenseMatrix scaled_to_share(DenseMatrix m, const DenseMatrix& reference, double share) {
  auto total_variance = [](const DenseMatrix& x) {
    const ColumnScale scale = column_scale(x.values, x.cols);
    double v = 0;
    for (double sd : scale.sd) v += sd * sd;
    return v;
  };
  const double mine = total_variance(m);
  const double f = mine > 0 ? std::sqrt(share * total_variance(reference) / mine) : 0.0;
  for (double& v : m.values) v *= f;
  return m;
}

DenseMatrix side_by_side(const DenseMatrix& a, const DenseMatrix& b) {
  DenseMatrix out{a.rows, a.cols + b.cols, {}};
  out.values.reserve(static_cast<size_t>(out.rows * out.cols));
  for (int64_t i = 0; i < a.rows; ++i) {
    for (int64_t c = 0; c < a.cols; ++c) out.values.push_back(a.at(i, c));
    for (int64_t c = 0; c < b.cols; ++c) out.values.push_back(b.at(i, c));
  }
  return out;
}

}  // namespace

const NameTable<DomainFeatures>& domain_features() {
  static const NameTable<DomainFeatures> table(
      "--features", "domain features",
      {{DomainFeatures::kExpression, "expression"}, {DomainFeatures::kPathways, "pathways"},
       {DomainFeatures::kCombined, "combined"}});
  return table;
}

const NameTable<DomainSpatial>& domain_spatial() {
  static const NameTable<DomainSpatial> table(
      "--spatial", "spatial step",
      {{DomainSpatial::kNone, "none"}, {DomainSpatial::kSmoothing, "smoothing"},
       {DomainSpatial::kNeighbourCounts, "neighbours"}});
  return table;
}

std::string describe(const DomainRun& run) {
  static const char* spatial[] = {"no spatial step", "smoothed", "neighbour counts"};
  return run.features + ", " + spatial[static_cast<int>(run.method.spatial)] + ", " +
         domain_clusterings().name(run.method.clustering);
}

double nested_share(const std::vector<int>& coarse, const std::vector<int>& fine) {
  STX_CHECK(coarse.size() == fine.size() && !fine.empty(), ShapeError,
            "nested share: labellings of {} and {} items", coarse.size(), fine.size());
  std::map<int, std::map<int, int64_t>> overlap;  // fine label -> coarse label -> items
  for (size_t i = 0; i < fine.size(); ++i) ++overlap[fine[i]][coarse[i]];
  int64_t inside = 0;
  for (const auto& [f, by_coarse] : overlap) {
    int64_t most = 0;
    for (const auto& [c, n] : by_coarse) most = std::max(most, n);
    inside += most;
  }
  return static_cast<double>(inside) / static_cast<double>(fine.size());
}

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

DenseMatrix predicted_expression_pcs(const CsrMatrix& predicted, int pcs) {
  const std::vector<float> values = predicted.to_dense();
  DenseMatrix dense{predicted.n_rows, predicted.n_cols, {values.begin(), values.end()}};
  const int components = static_cast<int>(std::min<int64_t>({pcs, dense.rows, dense.cols}));
  return principal_components(standardise_columns(std::move(dense)), components);
}

namespace {

// Clusters one slide by any method; the features of each (features, spatial step) are
// computed once and shared by both clusterings and by the runs at neighbouring k.
class MethodRunner {
 public:
  MethodRunner(const Slide& slide, const DenseMatrix& pathways, std::string source,
               const SlideDomainOptions& options, ExpressionSource x)
      : slide_(slide), pathways_(pathways), source_(std::move(source)), options_(options), x_(x),
        graph_(adjacency_graph(slide.pixel_x, slide.pixel_y)),
        expression_name_(x == ExpressionSource::kPredicted ? "predicted expression PCA" : "expression PCA") {}

  /// The run's printed feature name and its domains.
  std::pair<std::string, DomainResult> cluster(const DomainMethod& method, DomainOptions o) {
    o.clustering = method.clustering;
    if (method.spatial != DomainSpatial::kSmoothing) o.smoothing_rounds = 0;
    if (method.features == DomainFeatures::kPathways) return {source_, spatial_domains(pathways_, graph_, o)};
    o.standardise = false;  // principal components keep their variances, as in scanpy
    const bool pooled = method.spatial == DomainSpatial::kNeighbourCounts;
    if (method.features == DomainFeatures::kExpression)
      return {expression_name_, spatial_domains(expression(pooled), graph_, o)};
    return {expression_name_ + " + " + source_, spatial_domains(combined(pooled), graph_, o)};
  }

 private:
  const DenseMatrix& expression(bool pooled) {
    DenseMatrix& m = pooled ? pooled_pcs_ : pcs_;
    if (m.rows > 0) return m;
    if (x_ == ExpressionSource::kPredicted)  // never pooled: runnable() turned that into smoothing
      m = predicted_expression_pcs(slide_.counts, options_.expression_pcs);
    else
      m = expression_pcs(pooled ? add_neighbour_counts(slide_.counts, graph_, options_.neighbour_weight)
                                : slide_.counts,
                         options_.expression_genes, options_.expression_pcs);
    return m;
  }

  // The components beside the pathways. The pathways, which have no counts to pool, get one
  // round of smoothing with the pooling's own kernel (inside the tissue, x_i + w * mean of
  // the neighbours, rescaled: the neighbours' share is w / (1 + w)).
  const DenseMatrix& combined(bool pooled) {
    DenseMatrix& m = pooled ? pooled_combined_ : combined_;
    if (m.rows == 0) {
      DenseMatrix pathways = standardise_columns(pathways_);
      if (pooled) {
        const double w = options_.neighbour_weight;
        pathways = smooth_over_graph(pathways, graph_, w / (1 + w), 1);
      }
      const DenseMatrix& pcs = expression(pooled);
      m = side_by_side(pcs, scaled_to_share(std::move(pathways), pcs, options_.pathway_share));
    }
    return m;
  }

  const Slide& slide_;
  const DenseMatrix& pathways_;
  std::string source_;
  const SlideDomainOptions& options_;
  ExpressionSource x_;
  SpotGraph graph_;
  std::string expression_name_;
  DenseMatrix pcs_, pooled_pcs_, combined_, pooled_combined_;
};

// The chosen method at k - 1 and k + 1, compared pairwise in order of k.
std::vector<NeighbouringK> neighbouring_k(MethodRunner& runner, const DomainRun& chosen,
                                          const DomainOptions& base, int64_t n_spots) {
  std::vector<std::pair<int, std::vector<int>>> by_k = {{chosen.result.k, chosen.result.labels}};
  for (int k : {chosen.result.k - 1, chosen.result.k + 1}) {
    if (k < 2 || k >= n_spots) continue;
    DomainOptions o = base;
    o.k = k;
    by_k.emplace_back(k, runner.cluster(chosen.method, o).second.labels);
  }
  std::sort(by_k.begin(), by_k.end());
  std::vector<NeighbouringK> out;
  for (size_t i = 0; i + 1 < by_k.size(); ++i)
    out.push_back({by_k[i].first, adjusted_rand_index(by_k[i].second, by_k[i + 1].second),
                   nested_share(by_k[i].second, by_k[i + 1].second)});
  return out;
}

}  // namespace

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
  std::vector<std::string> truth;
  for (int64_t i = 0; i < static_cast<int64_t>(slide.labels.size()); ++i)
    if (usable_label(slide.labels[static_cast<size_t>(i)])) {
      labelled.push_back(i);
      truth.push_back(slide.labels[static_cast<size_t>(i)]);
    }
  const std::vector<int> truth_codes = label_codes(truth);
  out.labelled_spots = static_cast<int64_t>(labelled.size());
  out.label_classes = truth_codes.empty() ? 0 : *std::max_element(truth_codes.begin(), truth_codes.end()) + 1;

  DomainOptions clustering = options.clustering;
  if (clustering.k == 0 && options.k_from_labels && out.label_classes >= 2)
    clustering.k = out.label_classes;
  const ExpressionSource x = expression_source(slide, options.x_is_counts);
  MethodRunner runner(slide, pathway_activity, pathway_source, options, x);
  auto run = [&](DomainMethod method, bool chosen) {
    method = runnable(method, x);
    for (const auto& r : out.runs)
      if (r.method == method) return;  // already run (the chosen method is also a comparison)
    auto [name, result] = runner.cluster(method, clustering);
    DomainRun r{method, name, chosen, std::move(result), std::nan("")};
    if (!labelled.empty()) {
      std::vector<int> found;
      for (int64_t i : labelled) found.push_back(r.result.labels[static_cast<size_t>(i)]);
      r.ari = adjusted_rand_index(truth_codes, found);
    }
    out.runs.push_back(std::move(r));
  };
  run(options.method, true);
  if (options.stability) out.stability = neighbouring_k(runner, out.runs.front(), clustering, slide.n_spots());
  if (options.compare)
    for (const DomainMethod& m : comparison_methods(x)) run(m, false);
  return out;
}

}  // namespace stx
