// Pathway perturbation through a hand-built decoder: the changes, their ranking and the checks
// (AUROC of set genes against the rest, its random-set control, the strict-bottleneck test),
// against values worked out by hand.
#include <random>

#include "stx/explain/perturbation.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// Two pathways, five genes. Pathway 0's set is genes 0-1, pathway 1's genes 2-4.
DecoderEffects hand_built(bool strict) {
  DecoderEffects e;
  e.n_pathways = 2;
  e.n_genes = 5;
  e.through_sets = {0.8f, -0.5f, 0, 0, 0, /**/ 0, 0, 0.3f, 0.2f, 0.1f};
  e.through_residual = strict ? std::vector<float>(10, 0.f)
                              : std::vector<float>{0.05f, 0.05f, 0.1f, -0.6f, 0.02f, /**/ 0, 0.4f, 0, 0, 0};
  return e;
}
const std::vector<uint8_t> kMembership = {1, 1, 0, 0, 0, /**/ 0, 0, 1, 1, 1};

TEST(Perturbation, ChangesAreTheDecoderTimesTheShiftLargestRiseFirst) {
  const auto changes = gene_changes(hand_built(false), kMembership, 0, 2.0);
  ASSERT_EQ(changes.size(), 5u);
  // totals x2: gene0 1.7, gene1 -0.9, gene2 0.2, gene3 -1.2, gene4 0.04
  const std::vector<int64_t> order = {0, 2, 4, 1, 3};
  for (size_t k = 0; k < order.size(); ++k) EXPECT_EQ(changes[k].gene, order[k]) << k;
  EXPECT_NEAR(changes[0].total, 1.7, 1e-6);
  EXPECT_NEAR(changes[0].through_sets, 1.6, 1e-6);
  EXPECT_NEAR(changes[0].through_residual, 0.1, 1e-6);
  EXPECT_TRUE(changes[0].in_set);
  EXPECT_FALSE(changes[1].in_set);
  EXPECT_NEAR(changes[4].total, -1.2, 1e-6);
}

TEST(Perturbation, ChecksAgainstHandWorkedAurocs) {
  const PerturbationChecks c = check_perturbations(hand_built(false), kMembership, 1);
  ASSERT_EQ(c.pathways.size(), 2u);
  // pathway 0: |change| in set {0.85, 0.45}, outside {0.1, 0.6, 0.02}: 0.85 beats 3, 0.45 beats 2 -> 5/6
  EXPECT_EQ(c.pathways[0].set_genes, 2);
  EXPECT_NEAR(c.pathways[0].auroc, 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(c.pathways[0].largest_outside, 0.6, 1e-6);
  // pathway 1: in set {0.3, 0.2, 0.1}, outside {0, 0.4}: 0.3, 0.2, 0.1 each beat 0 only -> 3/6
  EXPECT_NEAR(c.pathways[1].auroc, 0.5, 1e-12);
  EXPECT_NEAR(c.pathways[1].largest_outside, 0.4, 1e-6);
  EXPECT_NEAR(c.median_auroc, (5.0 / 6.0 + 0.5) / 2, 1e-12);
  EXPECT_NEAR(c.largest_outside, 0.6, 1e-6);
}

TEST(Perturbation, AStrictBottleneckMovesNoGeneOutsideTheSet) {
  const PerturbationChecks c = check_perturbations(hand_built(true), kMembership, 1);
  EXPECT_EQ(c.largest_outside, 0.0);
  EXPECT_NEAR(c.pathways[0].auroc, 1.0, 1e-12);
  EXPECT_NEAR(c.pathways[1].auroc, 1.0, 1e-12);
}

// A decoder that follows its sets: the AUROC is 1, and against random sets of the same size
// it falls to chance (0.5, within what 40 pathways' median allows).
TEST(Perturbation, TheRandomSetControlFallsToChance) {
  const int64_t n_pathways = 40, n_genes = 400, set_size = 20;
  DecoderEffects e;
  e.n_pathways = n_pathways;
  e.n_genes = n_genes;
  std::vector<uint8_t> membership(static_cast<size_t>(n_pathways * n_genes), 0);
  std::mt19937_64 rng(5);
  std::normal_distribution<float> noise(0.f, 0.05f);
  for (int64_t p = 0; p < n_pathways; ++p)
    for (int64_t g = 0; g < n_genes; ++g) {
      const bool in_set = (g + 7 * p) % n_genes < set_size;
      membership[static_cast<size_t>(p * n_genes + g)] = in_set;
      e.through_sets.push_back(in_set ? 1.f + noise(rng) : 0.f);
      e.through_residual.push_back(noise(rng));
    }
  const PerturbationChecks c = check_perturbations(e, membership, 11);
  EXPECT_NEAR(c.median_auroc, 1.0, 1e-12);
  EXPECT_NEAR(c.median_auroc_shuffled, 0.5, 0.08);
  EXPECT_EQ(check_perturbations(e, membership, 11).median_auroc_shuffled, c.median_auroc_shuffled);  // seeded
}

TEST(Perturbation, ShapesAndPathwaysAreChecked) {
  const DecoderEffects effects = hand_built(false);
  EXPECT_STX_ERROR(check_perturbations(effects, {1, 0}, 1), ShapeError, "must be 2 x 5");
  EXPECT_STX_ERROR(gene_changes(effects, kMembership, 2, 1.0), ConfigError, "pathway 2 of 2");
}

}  // namespace
}  // namespace stx
