// Per-domain summaries: means in slide-sd units and the Mann-Whitney tests against the
// values numpy and scipy.stats.mannwhitneyu(method="asymptotic") give on the same data
// (quoted); the nesting of two labellings; the short pathway names of figures.
#include <gtest/gtest.h>

#include <cmath>

#include "stx/domains/domain_summary.hpp"
#include "stx/domains/slide_domains.hpp"
#include "stx/outputs/domain_outputs.hpp"

namespace stx {
namespace {

TEST(DomainSummary, MatchesNumpyAndScipy) {
  // Two pathways over six spots; domain 0 = the first three spots.
  const DenseMatrix activity{6, 2, {1, 5, 2, 3, 3, 4, 10, 1, 11, 2, 12, 0.5}};
  const DomainSummary s = summarise_domains(activity, {0, 0, 0, 1, 1, 1}, 2);
  EXPECT_EQ(s.spots, (std::vector<int64_t>{3, 3}));
  EXPECT_NEAR(s.mean_z.at(0, 0), -0.9839346980566549, 1e-12);
  EXPECT_NEAR(s.mean_z.at(0, 1), 0.8898206684033632, 1e-12);
  EXPECT_NEAR(s.mean_z.at(1, 0), 0.9839346980566549, 1e-12);
  ASSERT_EQ(s.tests.size(), 4u);  // domain-major
  EXPECT_NEAR(s.tests[0].difference, -1.9678693961133098, 1e-12);
  EXPECT_NEAR(s.tests[1].difference, 1.7796413368067268, 1e-12);
  EXPECT_DOUBLE_EQ(s.tests[0].auc, 0.0);
  EXPECT_DOUBLE_EQ(s.tests[1].auc, 1.0);
  for (const auto& t : s.tests) {
    EXPECT_NEAR(t.p, 0.08085559837005224, 1e-12);
    EXPECT_NEAR(t.q, 0.08085559837005224, 1e-12);  // four equal p-values: BH leaves them
  }
  EXPECT_TRUE(s.top(0, 3).empty());                 // nothing at q < 0.05
  ASSERT_EQ(s.top(0, 3, 0.1).size(), 1u);           // pathway 1 is higher in domain 0
  EXPECT_EQ(s.top(0, 3, 0.1).front().pathway, 1);
  EXPECT_THROW(summarise_domains(activity, {0, 0, 0, 1, 1, 2}, 2), ShapeError);
}

TEST(DomainSummary, EmptyDomainHasNoMeans) {
  const DomainSummary s = summarise_domains(DenseMatrix{3, 1, {1, 2, 3}}, {0, 0, 0}, 2);
  EXPECT_EQ(s.spots[1], 0);
  EXPECT_TRUE(std::isnan(s.mean_z.at(1, 0)));
  EXPECT_EQ(s.tests[1].p, 1.0);
}

TEST(NestedShare, CountsSpotsInsideTheirCoarseDomain) {
  // fine splits coarse 0 in two: exactly nested.
  EXPECT_DOUBLE_EQ(nested_share({0, 0, 0, 1, 1, 1}, {0, 0, 2, 1, 1, 1}), 1.0);
  // fine domain 1 = {spot 2, 3} straddles coarse 0 and 1: one of its two spots is outside.
  EXPECT_DOUBLE_EQ(nested_share({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}), 5.0 / 6);
  EXPECT_THROW(nested_share({0}, {0, 1}), ShapeError);
}

TEST(ShortPathwayName, KeepsGeneNamesAndUserSets) {
  EXPECT_EQ(short_pathway_name("HALLMARK_TNFA_SIGNALING_VIA_NFKB"), "TNFA signaling via NFKB");
  EXPECT_EQ(short_pathway_name("HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION"), "Epithelial mesenchymal transition");
  EXPECT_EQ(short_pathway_name("HALLMARK_MTORC1_SIGNALING"), "MTORC1 signaling");
  EXPECT_EQ(short_pathway_name("my_own_set"), "my_own_set");
}

}  // namespace
}  // namespace stx
