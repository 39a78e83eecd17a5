// The scoring methods behind score_pathways(), one file each, sharing a gene -> sets index.
// Each fills out.values (N, P) for every spot; the dispatcher then flags empty spots.
#pragma once

#include <vector>

#include "stx/pathways/scoring.hpp"

namespace stx::scoring {

/// For each gene, the sets that contain it (CSR over genes).
struct SetIndex {
  std::vector<int64_t> offsets;  // (G + 1)
  std::vector<int32_t> sets;

  SetIndex(const GeneSetMatch& match, int64_t n_genes);
  template <typename F>
  void for_sets_of(int32_t gene, F&& f) const {
    for (int64_t k = offsets[gene]; k < offsets[gene + 1]; ++k) f(sets[k]);
  }
};

struct Context {
  const CsrMatrix& x;  // log-normalised expression (N, G)
  const GeneSetMatch& match;
  const ScoreOptions& options;
  SetIndex index;
  int64_t n_sets() const { return static_cast<int64_t>(match.sets.size()); }
};

/// Adds each stored value of row `r` to the running sum of every set containing its gene.
void add_row_to_set_sums(const Context& c, int64_t r, std::vector<double>& sums);

void score_zmean(const Context& c, PathwayScores& out);
void score_control(const Context& c, PathwayScores& out);
void score_rank(const Context& c, PathwayScores& out);
void score_ssgsea(const Context& c, PathwayScores& out);
void score_ulm(const Context& c, PathwayScores& out);

}  // namespace stx::scoring
