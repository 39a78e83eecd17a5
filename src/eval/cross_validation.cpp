#include "stx/eval/cross_validation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/core/log.hpp"
#include "stx/core/table_numbers.hpp"
#include "stx/stats/map_specificity.hpp"
#include "stx/stats/metrics.hpp"
#include "stx/io/files/tsv_writer.hpp"

namespace stx {

namespace {

DenseMatrix stack_rows(const std::vector<const SlideData*>& slides,
                       const std::function<const std::vector<float>&(const SlideData&)>& field,
                       int64_t cols) {
  DenseMatrix m{0, cols, {}};
  for (const SlideData* s : slides) {
    const auto& v = field(*s);
    m.values.insert(m.values.end(), v.begin(), v.end());
    m.rows += s->n_spots();
  }
  return m;
}

// Per-target least squares on one covariate (log library size), fitted on training spots.
DenseMatrix library_size_fit(const DenseMatrix& y_train, const std::vector<double>& z_train,
                             const std::vector<double>& z_test) {
  const double n = static_cast<double>(z_train.size());
  double mz = 0;
  for (double z : z_train) mz += z / n;
  double szz = 0;
  for (double z : z_train) szz += (z - mz) * (z - mz);
  DenseMatrix out{static_cast<int64_t>(z_test.size()), y_train.cols,
                  std::vector<double>(z_test.size() * static_cast<size_t>(y_train.cols))};
  for (int64_t c = 0; c < y_train.cols; ++c) {
    double my = 0, szy = 0;
    for (int64_t r = 0; r < y_train.rows; ++r) my += y_train.at(r, c) / n;
    for (int64_t r = 0; r < y_train.rows; ++r) szy += (z_train[r] - mz) * (y_train.at(r, c) - my);
    const double slope = szz > 0 ? szy / szz : 0;
    for (size_t r = 0; r < z_test.size(); ++r)
      out.at(static_cast<int64_t>(r), c) = my + slope * (z_test[r] - mz);
  }
  return out;
}

DenseMatrix column_means_repeated(const DenseMatrix& y_train, int64_t rows) {
  DenseMatrix out{rows, y_train.cols, std::vector<double>(static_cast<size_t>(rows * y_train.cols))};
  for (int64_t c = 0; c < y_train.cols; ++c) {
    double mean = 0;
    for (int64_t r = 0; r < y_train.rows; ++r) mean += y_train.at(r, c);
    mean /= static_cast<double>(y_train.rows);
    for (int64_t r = 0; r < rows; ++r) out.at(r, c) = mean;
  }
  return out;
}

DenseMatrix ridge_fit_predict(const DenseMatrix& x_train, const DenseMatrix& y_train,
                              const std::vector<int>& groups, const DenseMatrix& x_test,
                              const std::vector<double>& lambdas) {
  const bool several = std::set<int>(groups.begin(), groups.end()).size() >= 2;
  const double lambda = several ? choose_ridge_lambda(x_train, y_train, groups, lambdas) : kFallbackRidgeLambda;
  return predict_ridge(fit_ridge(x_train, y_train, lambda), x_test);
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::vector<CvVariant> ablation_variants(const QuadFlowOptions& model, const LossWeights& loss) {
  std::vector<CvVariant> v = {{"quadflow", model, loss}};
  const auto add = [&](const std::string& name, auto change) {
    CvVariant variant{name, model, loss};
    change(variant);
    v.push_back(variant);
  };
  add("no H<->H", [](CvVariant& x) { x.model.spatial_attention = false; });
  add("no P<->P", [](CvVariant& x) { x.model.pathway_attention = false; });
  add("no P<->H", [](CvVariant& x) { x.model.cross_attention = false; });
  add("no H->P readout", [](CvVariant& x) { x.model.pathway_readout = false; });
  if (model.linear_path) {
    add("no linear path", [](CvVariant& x) { x.model.linear_path = false; });
    add("full-rank linear path", [](CvVariant& x) { x.model.linear_path_reduced_rank = false; });
    add("linear path without neighbours", [](CvVariant& x) { x.model.linear_path_neighbours = false; });
  } else {
    add("with linear path", [](CvVariant& x) { x.model.linear_path = true; });
  }
  if (model.slide_feature_norm)
    add("features standardised over training", [](CvVariant& x) { x.model.slide_feature_norm = false; });
  else
    add("features standardised per slide", [](CvVariant& x) { x.model.slide_feature_norm = true; });
  add("no gene-set overlap bias", [](CvVariant& x) { x.model.overlap_bias = false; });
  add("strict bottleneck", [](CvVariant& x) { x.model.residual_rank = 0; });
  add("no smoothness", [](CvVariant& x) { x.loss.smoothness = 0; });
  return v;
}

std::vector<Fold> plan_cv_folds(const std::vector<SlideData>& slides, const FoldPlanOptions& options) {
  std::vector<SlideGroup> groups;
  for (const auto& s : slides) groups.push_back({s.name(), s.group});
  return plan_folds(groups, options);
}

namespace {

// One fold's matrices: what every method is fitted on and judged against.
struct FoldData {
  const Fold* fold = nullptr;
  std::vector<const SlideData*> train, test;
  std::vector<int> train_groups;  // inner folds of the ridge penalty
  DenseMatrix x_train, x_test;    // features as encoded
  DenseMatrix xs_train, xs_test;  // features standardised over each slide's own spots
  std::map<std::string, std::pair<DenseMatrix, DenseMatrix>> truth;  // kind -> (train, test)
  std::vector<double> z_train, z_test;  // log library size
};

FoldData fold_data(const Dataset& data, const Fold& fold,
                   const std::map<const SlideData*, std::vector<float>>& per_slide) {
  const ModelMetadata& meta = data.metadata;
  const int64_t f = static_cast<int64_t>(meta.feature_names.size());
  const int64_t g = static_cast<int64_t>(meta.genes.size());
  const int64_t p = static_cast<int64_t>(meta.pathways.size());
  FoldData d;
  d.fold = &fold;
  for (size_t i : fold.train) d.train.push_back(&data.slides[i]);
  for (size_t i : fold.test) d.test.push_back(&data.slides[i]);
  std::vector<std::string> train_group_names;
  std::vector<int64_t> train_spots;
  for (const auto* s : d.train) {
    train_group_names.push_back(s->group);
    train_spots.push_back(s->n_spots());
  }
  d.train_groups = inner_fold_ids(train_group_names, train_spots);
  const auto features = [](const SlideData& s) -> const std::vector<float>& { return s.features; };
  const auto slide_features = [&](const SlideData& s) -> const std::vector<float>& { return per_slide.at(&s); };
  const auto genes = [](const SlideData& s) -> const std::vector<float>& { return s.genes; };
  const auto pathways = [](const SlideData& s) -> const std::vector<float>& { return s.pathways; };
  d.x_train = stack_rows(d.train, features, f);
  d.x_test = stack_rows(d.test, features, f);
  d.xs_train = stack_rows(d.train, slide_features, f);
  d.xs_test = stack_rows(d.test, slide_features, f);
  d.truth = {{"gene", {stack_rows(d.train, genes, g), stack_rows(d.test, genes, g)}},
             {"pathway", {stack_rows(d.train, pathways, p), stack_rows(d.test, pathways, p)}}};
  for (const auto* s : d.train) d.z_train.insert(d.z_train.end(), s->log_library_size.begin(), s->log_library_size.end());
  for (const auto* s : d.test) d.z_test.insert(d.z_test.end(), s->log_library_size.begin(), s->log_library_size.end());
  return d;
}

CvRow metrics_row(const FoldData& d, const std::string& method, const std::string& kind,
                  const DenseMatrix& prediction, double seconds, const CvOptions& options) {
  const auto& [y_train, y_test] = d.truth.at(kind);
  const TargetMetrics m = target_metrics(y_test, prediction, &d.z_test);
  CvRow row;
  row.protocol = d.fold->protocol;
  row.fold = d.fold->held_out;
  row.method = method;
  row.kind = kind;
  row.r = m.r;
  row.partial_r = m.partial_r;
  row.mse = m.mse;
  row.mean_r = finite_mean(m.r, &row.undefined);
  row.top_mean_r = finite_mean_of(m.r, most_variable_columns(y_train, options.top_variable));
  row.mean_partial_r = finite_mean(m.partial_r);
  row.mean_mse = finite_mean(m.mse);
  const MapSpecificity spec = map_specificity(y_test, prediction);
  row.maps_between = spec.predicted_between;
  row.measured_maps_between = spec.measured_between;
  row.closest_measured = spec.closest_measured;
  row.mean_maps_between = finite_mean(spec.predicted_between);
  row.mean_measured_maps_between = finite_mean(spec.measured_between);
  const OwnClosest own = count_own_closest(spec.closest_measured);
  row.own_closest = own.own;
  row.closest_defined = own.defined;
  row.seconds = seconds;
  return row;
}

// (fn(), its wall time in seconds)
template <typename Fn>
auto timed(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  auto value = fn();
  return std::make_pair(std::move(value), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void run_baselines(const FoldData& d, const CvOptions& options, const CvProgress& progress, CvResult& result) {
  for (const std::string kind : {"gene", "pathway"}) {
    // named references, not a structured binding: C++17 lambdas cannot capture a binding (clang refuses)
    const auto& truth = d.truth.at(kind);
    const auto& y_train = truth.first;
    const auto& y_test = truth.second;
    if (progress) progress(d.fold->held_out, "baselines (" + kind + ")");
    result.rows.push_back(metrics_row(d, "mean", kind, column_means_repeated(y_train, y_test.rows), 0, options));
    result.rows.push_back(metrics_row(d, "library size", kind, library_size_fit(y_train, d.z_train, d.z_test), 0, options));
    const auto [ridge, ridge_s] = timed([&] {
      return ridge_fit_predict(d.x_train, y_train, d.train_groups, d.x_test, options.ridge_lambdas);
    });
    result.rows.push_back(metrics_row(d, "ridge", kind, ridge, ridge_s, options));
    const auto [slide_ridge, slide_ridge_s] = timed([&] {
      return ridge_fit_predict(d.xs_train, y_train, d.train_groups, d.xs_test, options.ridge_lambdas);
    });
    result.rows.push_back(metrics_row(d, "ridge, per-slide features", kind, slide_ridge, slide_ridge_s, options));
  }
}

void run_variant(const FoldData& d, const Dataset& data, const CvVariant& variant, const CvOptions& options,
                 const CvProgress& progress, CvResult& result) {
  if (progress) progress(d.fold->held_out, variant.name);
  TrainOptions train_options = options.train;
  train_options.model = variant.model;
  train_options.loss = variant.loss;
  train_options.run_dir.clear();
  train_options.patience = 0;
  const auto [predicted, seconds] = timed([&] {
    const TrainedModel model = train_quadflow(d.train, nullptr, data.metadata, train_options);
    std::vector<Prediction> out;
    for (const auto* s : d.test) out.push_back(model.predict(*s, false, train_options.threads));
    return out;
  });
  DenseMatrix gene_pred{0, static_cast<int64_t>(data.metadata.genes.size()), {}};
  DenseMatrix pathway_pred{0, static_cast<int64_t>(data.metadata.pathways.size()), {}};
  for (const auto& pr : predicted) {
    gene_pred.values.insert(gene_pred.values.end(), pr.genes.begin(), pr.genes.end());
    gene_pred.rows += pr.n_spots;
    pathway_pred.values.insert(pathway_pred.values.end(), pr.pathways.begin(), pr.pathways.end());
    pathway_pred.rows += pr.n_spots;
  }
  result.rows.push_back(metrics_row(d, variant.name, "gene", gene_pred, seconds, options));
  result.rows.push_back(metrics_row(d, variant.name, "pathway", pathway_pred, seconds, options));
}

}  // namespace

CvResult cross_validate(const Dataset& data, const CvOptions& options, const CvProgress& progress) {
  const ModelMetadata& meta = data.metadata;
  const auto variants = options.ablations
                            ? ablation_variants(options.train.model, options.train.loss)
                            : std::vector<CvVariant>{{"quadflow", options.train.model, options.train.loss}};
  CvResult result;
  result.folds = plan_cv_folds(data.slides, options.folds);
  result.genes = meta.genes;
  result.pathways = meta.pathways;
  result.methods = {"mean", "library size", "ridge", "ridge, per-slide features"};
  for (const auto& v : variants) result.methods.push_back(v.name);
  // the features standardised over each slide's own spots (the per-slide ridge's input)
  std::map<const SlideData*, std::vector<float>> per_slide;
  for (const auto& s : data.slides)
    per_slide[&s] = standardise_columns(s.features, static_cast<int64_t>(meta.feature_names.size()));
  for (const Fold& fold : result.folds) {
    const FoldData d = fold_data(data, fold, per_slide);
    run_baselines(d, options, progress, result);
    for (const auto& variant : variants) run_variant(d, data, variant, options, progress, result);
  }
  return result;
}

namespace {
std::string own_closest_cell(int64_t own, int64_t defined) {
  return defined > 0 ? fmt::format("{} of {}", own, defined) : "—";
}
}  // namespace

std::string cv_summary_markdown(const CvResult& result) {
  const auto find = [&](const std::string& protocol, const std::string& fold, const std::string& method,
                        const std::string& kind) {
    for (const auto& r : result.rows)
      if (r.protocol == protocol && r.fold == fold && r.method == method && r.kind == kind) return &r;
    return static_cast<const CvRow*>(nullptr);
  };
  const auto cell = [](double v) { return three_decimals(v, "—"); };
  const auto mse_cell = [](double v) { return three_significant(v, "—"); };
  std::vector<std::string> protocols;
  for (const auto& f : result.folds)
    if (std::find(protocols.begin(), protocols.end(), f.protocol) == protocols.end()) protocols.push_back(f.protocol);
  std::string out;
  for (const auto& protocol : protocols) {
    std::vector<std::string> folds;
    for (const auto& f : result.folds)
      if (f.protocol == protocol) folds.push_back(f.held_out);
    for (const std::string kind : {"pathway", "gene"}) {
      out += fmt::format("\n{}: mean Pearson r over {} {} targets, per held-out {} (rows: method):\n\n",
                         capitalised(protocol), kind == "gene" ? result.genes.size() : result.pathways.size(),
                         kind, protocol == kLeaveOnePatientOut ? "patient" : "section");
      out += "| method |";
      for (const auto& f : folds) out += " " + f + " |";
      out += " mean r | top-50 r | partial r (| depth) | MSE | maps' mean \\|r\\| (measured) | own map closest |\n|---|";
      for (size_t i = 0; i < folds.size() + 6; ++i) out += "---|";
      out += "\n";
      for (const auto& method : result.methods) {
        std::vector<double> r, top, partial, mse, between, measured_between;
        int64_t own = 0, defined = 0;
        std::string line = "| " + method + " |";
        int undefined = 0;
        for (const auto& fold : folds) {
          const CvRow* row = find(protocol, fold, method, kind);
          if (!row) continue;
          line += " " + cell(row->mean_r) + " |";
          r.push_back(row->mean_r);
          top.push_back(row->top_mean_r);
          partial.push_back(row->mean_partial_r);
          mse.push_back(row->mean_mse);
          between.push_back(row->mean_maps_between);
          measured_between.push_back(row->mean_measured_maps_between);
          own += row->own_closest;
          defined += row->closest_defined;
          undefined += row->undefined;
        }
        line += fmt::format(" **{}** | {} | {} | {} | {} ({}) | {} |", cell(finite_mean(r)), cell(finite_mean(top)),
                            cell(finite_mean(partial)), mse_cell(finite_mean(mse)), cell(finite_mean(between)),
                            cell(finite_mean(measured_between)), own_closest_cell(own, defined));
        if (undefined > 0 && method == "mean") line += " (r undefined: constant prediction)";
        else if (undefined > 0) line += fmt::format(" ({} undefined r left out)", undefined);
        out += line + "\n";
      }
    }
  }
  return out;
}

void write_cv_tsv(const CvResult& result, const std::string& path) {
  TsvWriter tsv(path, run_folder::cv_metrics_columns());
  for (const auto& row : result.rows) {
    const auto& names = row.kind == "gene" ? result.genes : result.pathways;
    for (size_t t = 0; t < names.size(); ++t) {
      tsv.text(row.protocol).text(row.fold).text(row.method).text(row.kind).text(names[t]);
      tsv.number(row.r[t]).number(row.partial_r[t]).number(row.mse[t]);
      tsv.number(row.maps_between[t]).number(row.measured_maps_between[t]);
      const int64_t closest = row.closest_measured[t];
      tsv.text(closest >= 0 ? names[static_cast<size_t>(closest)] : kTsvMissing).end_row();
    }
  }
  tsv.commit();
}

}  // namespace stx
