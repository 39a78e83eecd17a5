// Per-spot pathway activity scores: the bottleneck's training targets. Five methods over
// log1p-CP10k expression, each streaming over spots in parallel (OpenMP):
//   zmean   mean of per-gene z-scored expression (z across the slide's spots; naive baseline)
//   control scanpy tl.score_genes: set mean minus the mean of control genes drawn from the
//           same expression bins (25 bins, 50 genes per bin hit, seeded)
//   rank    AUCell: area under the recovery curve of the set within the top 5% of the spot's
//           genes ranked high to low (ties broken at random, seeded per spot), or within a
//           fixed top N genes (UCell's maxRank: less dependent on depth)
//   ssgsea  single-sample GSEA as Bioconductor GSVA 1.46 method="ssgsea" (alpha 0.25,
//           integer-truncated average ranks), with GSVA's normalisation by the range of all
//           scores unless turned off
//   ulm     decoupler's univariate linear model: t-value of set membership regressed on the
//           spot's expression over all genes
// zmean, control and normalised ssgsea depend on the other spots of the slide; rank, ulm and
// raw ssgsea are computed from one spot alone. Spots with no counts get NaN and are flagged.
// Optionally each spot is first thinned to a common depth (stx/expression/thinning.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/core/name_table.hpp"
#include "stx/io/slide/csr_matrix.hpp"
#include "stx/pathways/gene_sets.hpp"

namespace stx {

enum class ScoreMethod { kZmean, kControl, kRank, kSsgsea, kUlm };

/// "zmean", "control", "rank", "ssgsea", "ulm" (--method).
const NameTable<ScoreMethod>& score_methods();
ScoreMethod parse_score_method(const std::string& name);  // ConfigError lists the choices
std::string to_string(ScoreMethod method);

struct ScoreOptions {
  ScoreMethod method = ScoreMethod::kRank;  // chosen on depth-robustness: docs/pathway-scoring.md
  double target_sum = 1e4;
  int threads = 0;        // 0 = all cores
  uint64_t seed = 0;
  int control_bins = 25;  // scanpy n_bins
  int control_size = 50;  // scanpy ctrl_size
  double aucell_max_rank_fraction = 0.05;
  int64_t max_rank = 0;   // rank: T = this many top genes (--max-rank); 0 = the fraction above
  int64_t thin_to = 0;    // > 0: counts binomially thinned to about this many per spot first
  double ssgsea_alpha = 0.25;
  bool ssgsea_normalize = true;
};

struct PathwayScores {
  std::string method;
  std::vector<std::string> pathways;  // (P)
  int64_t n_spots = 0;
  std::vector<float> values;          // (N, P) row-major; NaN where flagged
  std::vector<uint8_t> flagged;       // (N) 1 = no counts, scores NaN
  std::vector<std::vector<int32_t>> control_genes;  // (P) control: the genes drawn per set

  float at(int64_t spot, int64_t pathway) const {
    return values[static_cast<size_t>(spot * static_cast<int64_t>(pathways.size()) + pathway)];
  }
};

/// "rank", "rank, top 100 genes", "zmean, thinned to 500 counts": the recipe as people read it.
std::string describe_scoring(const ScoreOptions& options);

/// ConfigError if the options make no sense together (a max rank for another method, ...).
void check_score_options(const ScoreOptions& options);

/// Scores raw counts (normalised internally, after thinning when options.thin_to > 0).
PathwayScores score_pathways(const CsrMatrix& counts, const GeneSetMatch& sets,
                             const ScoreOptions& options = {});

/// Scores an already log-normalised matrix (what the reference tools are given in tests).
PathwayScores score_log_expression(const CsrMatrix& log_expression, const GeneSetMatch& sets,
                                   const ScoreOptions& options = {});

}  // namespace stx
