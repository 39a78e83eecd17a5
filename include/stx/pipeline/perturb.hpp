// `stx perturb`: raise one or more pathways' activity in a trained model and read what its gene
// decoder says happens to every gene, with the checks that say how far the changes follow the
// gene sets (stx/explain/perturbation.hpp, docs/explain.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/explain/perturbation.hpp"

namespace stx {

struct PerturbRun {
  std::string model;                  // a shipped model's name or a model file; "" = the default
  std::vector<std::string> pathways;  // names (the HALLMARK_ prefix may be left out); empty = all
  double shift_sd = 1.0;              // the rise, in training-spot sd of the pathway's activity
  std::string out = "stx-perturb";    // folder for perturbation_genes.tsv, _checks.tsv, the figures
  uint64_t seed = 0;                  // the random sets of the control
  bool force = false;
};

struct PerturbedPathway {
  std::string name;
  int64_t set_genes = 0;                      // its set's genes among the model's target genes
  std::vector<std::string> top_up, top_down;  // the five genes that rise and fall most
};

struct PerturbResult {
  std::string model, out;
  int64_t genes = 0, residual_rank = 0;
  std::vector<PerturbedPathway> perturbed;
  std::vector<std::string> pathways;  // the model's, in the checks' order
  PerturbationChecks checks;
  std::vector<std::string> figures;  // perturbation_<PATHWAY>.png, one per pathway named
  // The first layer's learned P<->P attention (pathway_coupling.tsv and .png), when the model
  // has the flow: its Spearman with the gene-set overlap over the pairs of distinct pathways,
  // and the three pairs attended to most, "A -> B (share)".
  bool coupling = false;
  double coupling_overlap_spearman = 0;
  std::vector<std::string> strongest_pairs;
};

PerturbResult run_perturb(const PerturbRun& run);

/// What a person reads after the command: the checks' medians and each pathway's top genes.
std::string describe(const PerturbResult& result);

}  // namespace stx
