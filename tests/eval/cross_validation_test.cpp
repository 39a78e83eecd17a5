#include "stx/eval/cross_validation.hpp"

#include <algorithm>

#include "stx/train/trainer.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

const CvVariant* find_variant(const std::vector<CvVariant>& variants, const std::string& name) {
  const auto it = std::find_if(variants.begin(), variants.end(), [&](const CvVariant& v) { return v.name == name; });
  return it == variants.end() ? nullptr : &*it;
}

// A model with the linear path is ablated by taking it (or its parts) away; a model without
// one, as an ensemble is by default, by adding it.
TEST(CrossValidation, AblationsSwitchTheLinearPathTheOtherWay) {
  QuadFlowOptions with;
  with.linear_path = true;
  const auto from_with = ablation_variants(with, LossWeights{});
  ASSERT_NE(find_variant(from_with, "no linear path"), nullptr);
  EXPECT_FALSE(find_variant(from_with, "no linear path")->model.linear_path);
  EXPECT_FALSE(find_variant(from_with, "full-rank linear path")->model.linear_path_reduced_rank);
  EXPECT_EQ(find_variant(from_with, "with linear path"), nullptr);

  QuadFlowOptions without = with;
  without.linear_path = false;
  const auto from_without = ablation_variants(without, LossWeights{});
  ASSERT_NE(find_variant(from_without, "with linear path"), nullptr);
  EXPECT_TRUE(find_variant(from_without, "with linear path")->model.linear_path);
  EXPECT_FALSE(find_variant(from_without, "quadflow")->model.linear_path);
  EXPECT_EQ(find_variant(from_without, "no linear path"), nullptr);
  EXPECT_EQ(find_variant(from_without, "full-rank linear path"), nullptr);
  EXPECT_EQ(from_without.size() + 2, from_with.size());
}

TEST(CrossValidation, LinearPathByDefaultForSingleModelsOnly) {
  EXPECT_TRUE(linear_path_by_default(1));
  EXPECT_FALSE(linear_path_by_default(2));
  EXPECT_FALSE(linear_path_by_default(TrainOptions{}.ensemble));
}

}  // namespace
}  // namespace stx
