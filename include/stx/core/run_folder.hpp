// The run folder's contract: the names of the files that `stx evaluate`, `predict --maps`,
// `domains` and `demo` write into an output folder and `stx report` reads back, the columns
// of the metrics table, and the one spelling of a missing number in every TSV we write
// ("NaN": pandas, R and NumPy all read it as NaN). Writers and readers include this header
// instead of typing the names twice.
#pragma once

#include <string>
#include <vector>

namespace stx::run_folder {

inline constexpr const char* kCvMetrics = "cv_metrics.tsv";  // stx evaluate: per target
inline constexpr const char* kCvSummary = "cv_summary.md";   // stx evaluate: the tables
inline constexpr const char* kRunFacts = "run.json";         // stx demo: what was run
inline constexpr const char* kMaps = "maps";                  // stx predict --maps
inline constexpr const char* kDomains = "domains";            // stx domains -o
inline constexpr const char* kDomainSpots = "domains.tsv";
inline constexpr const char* kDomainMetrics = "domains_metrics.tsv";
inline constexpr const char* kDomainPathways = "domain_pathways.tsv";    // per domain x pathway
inline constexpr const char* kDomainStability = "domains_stability.tsv";  // k vs k + 1
inline constexpr const char* kPerturbGenes = "perturbation_genes.tsv";    // stx perturb: per gene
inline constexpr const char* kPerturbChecks = "perturbation_checks.tsv";  // stx perturb: per pathway
inline constexpr const char* kPerturbPngPrefix = "perturbation_";        // + pathway + .png: top genes
inline constexpr const char* kCouplingTsv = "pathway_coupling.tsv";      // stx perturb: P<->P attention
inline constexpr const char* kCouplingPng = "pathway_coupling.png";
inline constexpr const char* kPerturb = "perturb";                        // stx demo: stx perturb's folder
inline constexpr const char* kExplain = "explain";                        // stx demo: stx explain's folder
inline constexpr const char* kView = "view";                              // stx demo: stx view's folder
inline constexpr const char* kAttributionSpots = "attribution_spots.tsv";        // stx explain: per spot
inline constexpr const char* kAttributionFeatures = "attribution_features.tsv";  // per feature
inline constexpr const char* kAttributionGroups = "attribution_feature_groups.tsv";  // per feature group
inline constexpr const char* kAttributionDeletion = "attribution_deletion.tsv";  // the deletion curves
inline constexpr const char* kAttributionChecks = "attribution_checks.tsv";      // one row: the checks
inline constexpr const char* kAttributionPng = "attribution.png";                // the maps

// the PNGs of `stx predict --maps`
inline constexpr const char* kPathwaysPredictedPng = "pathways_predicted.png";
inline constexpr const char* kPathwaysZoomPng = "pathways_predicted_zoom.png";  // --map-zoom
inline constexpr const char* kPathwaysComparedPng = "pathways_measured_vs_predicted.png";
inline constexpr const char* kGenesComparedPng = "genes_measured_vs_predicted.png";
inline constexpr const char* kPathwayCorrelationsPng = "pathway_correlations_measured_vs_predicted.png";
inline constexpr const char* kAttentionPng = "attention.png";

/// cv_metrics.tsv's header, in order. Map specificity: the mean |r| of the target's predicted
/// map with the other predicted maps, the same among the measured maps, and the target whose
/// measured map the prediction correlates with most (its own, in a specific model).
inline const std::vector<std::string>& cv_metrics_columns() {
  static const std::vector<std::string> columns = {
      "protocol", "fold", "method", "kind", "target", "pearson_r", "partial_r_given_depth", "mse",
      "mean_abs_r_with_other_predicted_maps", "mean_abs_r_with_other_measured_maps", "closest_measured_map"};
  return columns;
}

/// domains_metrics.tsv's header: one row per slide and clustering method.
inline const std::vector<std::string>& domain_metrics_columns() {
  static const std::vector<std::string> columns = {"slide", "features", "spatial", "clustering", "chosen",
                                                   "k", "silhouette", "ari", "labelled_spots", "label_classes"};
  return columns;
}

/// domain_pathways.tsv's header: one row per slide, domain and pathway.
inline const std::vector<std::string>& domain_pathways_columns() {
  static const std::vector<std::string> columns = {"slide", "domain", "spots", "pathway", "mean_z",
                                                   "difference", "auc", "p", "q"};
  return columns;
}

/// perturbation_genes.tsv's header: one row per perturbed pathway and gene, largest rise first.
inline const std::vector<std::string>& perturb_genes_columns() {
  static const std::vector<std::string> columns = {"pathway", "shift_sd", "rank", "gene", "in_set", "change",
                                                   "through_sets", "through_residual"};
  return columns;
}

/// pathway_coupling.tsv's header: one row per pair of pathways (P x P).
inline const std::vector<std::string>& coupling_columns() {
  static const std::vector<std::string> columns = {"pathway", "attends_to", "attention", "gene_set_overlap"};
  return columns;
}

/// perturbation_checks.tsv's header: one row per pathway of the model.
inline const std::vector<std::string>& perturb_checks_columns() {
  static const std::vector<std::string> columns = {"pathway", "set_genes", "auroc", "auroc_shuffled_set",
                                                   "largest_change_outside_set"};
  return columns;
}

/// attribution_checks.tsv's header: one row, the region explained and the checks.
inline const std::vector<std::string>& attribution_checks_columns() {
  static const std::vector<std::string> columns = {
      "pathway", "region_spots", "activity", "baseline_activity", "change_in_training_sd", "attribution_sum",
      "completeness_gap", "deletion_area", "random_deletion_area", "deletion_ratio", "sanity_rank_correlation"};
  return columns;
}

/// domains_stability.tsv's header: the chosen method at k against k + 1, per slide.
inline const std::vector<std::string>& domain_stability_columns() {
  static const std::vector<std::string> columns = {"slide", "k", "k_next", "ari", "nested"};
  return columns;
}

/// The columns cv_metrics.tsv had before map specificity (still read by `stx report`).
inline const std::vector<std::string>& cv_metrics_columns_before_specificity() {
  static const std::vector<std::string> columns(cv_metrics_columns().begin(), cv_metrics_columns().begin() + 8);
  return columns;
}

}  // namespace stx::run_folder

namespace stx {

/// A missing number in a TSV we write.
inline constexpr const char* kTsvMissing = "NaN";

/// A TSV cell: `significant` significant digits ("{:.Ng}"), or kTsvMissing when not finite.
std::string tsv_general(double value, int significant);

/// A TSV cell: `decimals` decimals ("{:.Nf}"), or kTsvMissing when not finite.
std::string tsv_fixed(double value, int decimals);

}  // namespace stx
