// In-silico pathway perturbation (`stx perturb`): what QuadFlow's gene decoder says happens to
// every gene when one pathway's activity is raised, and checks of whether those changes follow
// the pathway's gene set: the AUROC with which the size of a gene's change separates the set's
// genes from the others, the same against random sets of as many genes (a control that should
// sit near 0.5), and the largest change outside the set (exactly 0 in a strict bottleneck).
// See docs/explain.md.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/train/trained_model.hpp"

namespace stx {

struct GeneChange {
  int64_t gene = 0;
  bool in_set = false;
  double through_sets = 0, through_residual = 0;  // the decoder's two paths
  double total = 0;
};

/// Every gene's change when `pathway` rises by `shift_sd` training-spot sd, largest rise first.
std::vector<GeneChange> gene_changes(const DecoderEffects& effects, const std::vector<uint8_t>& membership,
                                     int64_t pathway, double shift_sd);

struct PathwaySetCheck {
  int64_t set_genes = 0;          // the model's target genes in the pathway's set
  double auroc = 0;               // |change| of the set's genes against the rest; NaN without both
  double auroc_shuffled = 0;      // the same for random sets of set_genes genes (control; the
                                  // mean over 100 draws)
  double largest_outside = 0;     // max |change| of a gene outside the set, per +1 sd
};

struct PerturbationChecks {
  std::vector<PathwaySetCheck> pathways;  // (P)
  double median_auroc = 0, median_auroc_shuffled = 0;  // over the pathways with a defined AUROC
  double largest_outside = 0;                           // over every pathway
};

/// The checks of every pathway; `membership` (P, G) as in ModelMetadata; the random sets are
/// drawn from `seed`.
PerturbationChecks check_perturbations(const DecoderEffects& effects, const std::vector<uint8_t>& membership,
                                       uint64_t seed);

}  // namespace stx
