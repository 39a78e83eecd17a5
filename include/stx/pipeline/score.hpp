// `stx score`: per-spot pathway activities from measured expression, written as .h5ad and/or
// TSV, with the run's QC printed (or as JSON).
#pragma once

#include <string>

#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct ScoreRun {
  SlideInput slide;
  std::string gene_sets = "hallmarks";
  std::string method = "rank";
  GeneSetMatchOptions match;
  ScoreOptions score;
  bool no_ssgsea_norm = false;
  std::string output, tsv;
  std::string coverage;  // TSV: per gene set, its genes, those in the data, kept or dropped
  std::string panel_gmt;  // GMT: the kept sets cut to the data's genes (a panel-aware GMT)
  bool force = false;
  bool json = false;
};

void run_score(ScoreRun run);

}  // namespace stx
