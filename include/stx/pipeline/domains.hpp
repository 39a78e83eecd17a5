// `stx domains`: spatial domains from pathway activity — measured (scored from the counts) or
// predicted (obsm['pathway_activity'] of an `stx predict` output) — beside the expression-PCA
// baseline, scored against pathologist labels when the slide has them. Writes per-spot
// domains, a metrics table and one map figure per slide.
#pragma once

#include <string>
#include <vector>

#include "stx/domains/slide_domains.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct DomainsRun {
  SlideInput slide;
  std::vector<std::string> sections;
  std::string k = "auto";
  std::string method = "rank";
  std::string gene_sets = "hallmarks";
  // "auto": expression on counts, pathways on a prediction (docs/domains.md: the evidence)
  std::string features = "auto", spatial = "neighbours", cluster = "kmeans";
  SlideDomainOptions options;
  std::string out;
  bool force = false;
};

// One clustering of one slide: the one asked for (chosen) or one it is compared with.
struct DomainsRow {
  std::string slide;
  bool chosen = false;
  std::string description;  // features, spatial step, clustering
  int k = 0;
  double silhouette = 0;
  double ari = 0;           // NaN without pathologist labels
};

struct DomainsResult {
  std::string out;          // the folder written
  std::vector<DomainsRow> rows;
};

/// Clusters every slide, writes the tables and figures to run.out; apps/stx prints the rows.
DomainsResult run_domains(DomainsRun run);

/// The rows as a table, with what the columns mean and what was written.
std::string describe(const DomainsResult& result);

}  // namespace stx
