// `stx score`: per-spot pathway activities from measured expression, written as .h5ad and/or
// TSV, with the run's QC (apps/stx prints it, or writes it as JSON).
#pragma once

#include <string>

#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/score_qc.hpp"
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

struct ScoreResult {
  std::string slide;
  int64_t spots = 0, genes = 0;
  std::string scoring;               // describe_scoring: the method and its depth options
  std::string method;                // the method's name
  std::vector<std::string> pathways; // scored
  std::vector<std::string> dropped;  // sets with too few genes in the data
  int64_t flagged = 0;               // spots without counts (their scores NaN)
  ScoreQc qc;
  double seconds = 0;                // scoring alone
};

/// Scores the slide's pathways and writes the asked outputs (staged: all or none).
ScoreResult run_score(ScoreRun run);

}  // namespace stx
