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

void run_domains(DomainsRun run);

}  // namespace stx
