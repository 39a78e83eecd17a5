// Feature groups: every one of the builtin encoder's 60 names falls in a named group (none in
// "other"), 6 kinds at 2 scales; attributions sum by group, largest |sum| first.
#include <gtest/gtest.h>

#include <map>

#include "stx/core/error.hpp"
#include "stx/explain/feature_groups.hpp"
#include "stx/histology/encoders/encoder.hpp"

namespace stx {
namespace {

TEST(FeatureGroups, EveryBuiltinFeatureHasAKind) {
  const auto encoder = make_encoder(EncoderOptions{});
  const std::vector<std::string> names = encoder->feature_names();
  ASSERT_EQ(names.size(), 60u);
  std::map<std::string, int> sizes;
  for (const auto& name : names) ++sizes[feature_group(name)];
  const std::map<std::string, int> expected = {
      {"spot \xC2\xB7 haematoxylin", 5}, {"spot \xC2\xB7 eosin", 5}, {"spot \xC2\xB7 colour", 6},
      {"spot \xC2\xB7 texture", 9},      {"spot \xC2\xB7 nuclei", 4}, {"spot \xC2\xB7 tissue", 1},
      {"context \xC2\xB7 haematoxylin", 5}, {"context \xC2\xB7 eosin", 5}, {"context \xC2\xB7 colour", 6},
      {"context \xC2\xB7 texture", 9},      {"context \xC2\xB7 nuclei", 4}, {"context \xC2\xB7 tissue", 1}};
  EXPECT_EQ(sizes, expected);
  EXPECT_EQ(feature_group("vit_17"), "all features");
  EXPECT_EQ(feature_group("spot_something_new"), "spot \xC2\xB7 other");
}

TEST(FeatureGroups, AttributionsSumByGroupLargestFirst) {
  const std::vector<std::string> names = {"spot_H_mean", "spot_H_sd", "context_glcm_energy", "spot_nuclei_per_1e4um2"};
  const auto groups = group_attributions(names, {0.25, -0.5, 0.125, 0.0625});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].group, "spot \xC2\xB7 haematoxylin");
  EXPECT_EQ(groups[0].features, 2);
  EXPECT_DOUBLE_EQ(groups[0].attribution, -0.25);
  EXPECT_EQ(groups[1].group, "context \xC2\xB7 texture");
  EXPECT_DOUBLE_EQ(groups[2].attribution, 0.0625);
  EXPECT_THROW(group_attributions(names, {1.0}), ShapeError);
  EXPECT_EQ(feature_names_for({"a", "b"}, 3), (std::vector<std::string>{"a", "b", "feature_2"}));
  EXPECT_EQ(feature_names_for({"a", "b"}, 1), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace stx
