#include "stx/explain/perturbation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "stx/core/error.hpp"
#include "stx/stats/rank_test.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace {

void check_shapes(const DecoderEffects& effects, const std::vector<uint8_t>& membership) {
  const auto cells = static_cast<size_t>(effects.n_pathways * effects.n_genes);
  STX_CHECK(effects.through_sets.size() == cells && effects.through_residual.size() == cells &&
                membership.size() == cells,
            ShapeError, "perturbation: decoder effects ({} and {} values) and membership ({}) must be {} x {}",
            effects.through_sets.size(), effects.through_residual.size(), membership.size(),
            effects.n_pathways, effects.n_genes);
}

// AUROC of |change| of the genes flagged in `in_set` against the others; NaN without both.
double set_auroc(const DecoderEffects& effects, int64_t pathway, const std::vector<uint8_t>& in_set) {
  std::vector<double> inside, outside;
  for (int64_t g = 0; g < effects.n_genes; ++g)
    (in_set[static_cast<size_t>(g)] ? inside : outside).push_back(std::abs(effects.total(pathway, g)));
  if (inside.empty() || outside.empty()) return std::numeric_limits<double>::quiet_NaN();
  return mann_whitney_u(inside, outside).auc;
}

// The control: the mean AUROC of kControlDraws sets of `size` genes drawn at random, whatever
// their sets. One draw of a set of one to five genes (most Hallmarks among a model's few hundred
// target genes) swings between 0 and 1; the mean over draws sits near 0.5 when the decoder
// follows the real sets and not some other grouping of genes.
constexpr int kControlDraws = 100;

double random_set_auroc(const DecoderEffects& effects, int64_t pathway, int64_t size, std::mt19937_64& rng) {
  const auto n_genes = static_cast<size_t>(effects.n_genes);
  std::vector<size_t> order(n_genes);
  std::iota(order.begin(), order.end(), size_t{0});
  double sum = 0;
  for (int draw = 0; draw < kControlDraws; ++draw) {
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<uint8_t> random_set(n_genes, 0);
    for (int64_t k = 0; k < size; ++k) random_set[order[static_cast<size_t>(k)]] = 1;
    sum += set_auroc(effects, pathway, random_set);
  }
  return sum / kControlDraws;
}

double median_of_defined(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  return median(std::move(values));  // NaN when none is defined
}

}  // namespace

std::vector<GeneChange> gene_changes(const DecoderEffects& effects, const std::vector<uint8_t>& membership,
                                     int64_t pathway, double shift_sd) {
  check_shapes(effects, membership);
  STX_CHECK(pathway >= 0 && pathway < effects.n_pathways, ConfigError, "perturbation: pathway {} of {}",
            pathway, effects.n_pathways);
  std::vector<GeneChange> changes;
  for (int64_t g = 0; g < effects.n_genes; ++g) {
    const auto i = static_cast<size_t>(pathway * effects.n_genes + g);
    GeneChange c;
    c.gene = g;
    c.in_set = membership[i] != 0;
    c.through_sets = shift_sd * effects.through_sets[i];
    c.through_residual = shift_sd * effects.through_residual[i];
    c.total = c.through_sets + c.through_residual;
    changes.push_back(c);
  }
  std::stable_sort(changes.begin(), changes.end(), [](const GeneChange& a, const GeneChange& b) { return a.total > b.total; });
  return changes;
}

PerturbationChecks check_perturbations(const DecoderEffects& effects, const std::vector<uint8_t>& membership,
                                       uint64_t seed) {
  check_shapes(effects, membership);
  const auto n_genes = static_cast<size_t>(effects.n_genes);
  std::mt19937_64 rng(seed);
  PerturbationChecks checks;
  std::vector<double> aurocs, shuffled;
  for (int64_t p = 0; p < effects.n_pathways; ++p) {
    const auto first = membership.begin() + static_cast<std::ptrdiff_t>(p * effects.n_genes);
    const std::vector<uint8_t> in_set(first, first + static_cast<std::ptrdiff_t>(n_genes));
    PathwaySetCheck check;
    check.set_genes = std::count_if(in_set.begin(), in_set.end(), [](uint8_t m) { return m != 0; });
    check.auroc = set_auroc(effects, p, in_set);
    check.auroc_shuffled = random_set_auroc(effects, p, check.set_genes, rng);
    for (size_t g = 0; g < n_genes; ++g)
      if (!in_set[g]) check.largest_outside = std::max(check.largest_outside, std::abs(double(effects.total(p, int64_t(g)))));
    checks.largest_outside = std::max(checks.largest_outside, check.largest_outside);
    aurocs.push_back(check.auroc);
    shuffled.push_back(check.auroc_shuffled);
    checks.pathways.push_back(check);
  }
  checks.median_auroc = median_of_defined(aurocs);
  checks.median_auroc_shuffled = median_of_defined(shuffled);
  return checks;
}

}  // namespace stx
