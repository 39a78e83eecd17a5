#include "stx/eval/cross_validation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "stx/train/trainer.hpp"
#include "../train/synthetic_grid.hpp"
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

namespace stx {
namespace {

// Three synthetic sections of two patients (A1, A2 of A; B1 of B) whose pathways are linear in
// the features and whose depth follows feature 0 (so pathway P0 follows depth too).
Dataset two_patients() {
  Dataset data;
  data.metadata = test::synthetic_metadata();
  uint64_t seed = 11;
  for (const std::string name : {"A1", "A2", "B1"}) {
    SlideData s = test::synthetic_slide(name, seed++);
    s.group = name.substr(0, 1);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0, 0.3);
    for (int64_t i = 0; i < s.n_spots(); ++i)
      s.log_library_size[static_cast<size_t>(i)] = 8 + 0.5 * s.features[static_cast<size_t>(i * test::kFeatures)] + noise(rng);
    data.slides.push_back(std::move(s));
  }
  return data;
}

const CvRow& row_of(const CvResult& r, const std::string& fold, const std::string& method, const std::string& kind) {
  const auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const CvRow& row) {
    return row.fold == fold && row.method == method && row.kind == kind;
  });
  EXPECT_NE(it, r.rows.end()) << fold << " " << method << " " << kind;
  return *it;
}

// Column c of a per-spot array of `width` values a spot.
std::vector<double> column(const std::vector<float>& values, int64_t width, int64_t c) {
  std::vector<double> out;
  for (size_t i = static_cast<size_t>(c); i < values.size(); i += static_cast<size_t>(width)) out.push_back(values[i]);
  return out;
}

TEST(CrossValidate, BaselinesAndModelAreScoredOnTheHeldOutPatient) {
  const Dataset data = two_patients();
  CvOptions options;
  options.train = test::fast_options();
  options.train.epochs = 30;
  options.folds.by_section = false;  // the two leave-one-patient-out folds
  const CvResult r = cross_validate(data, options);
  ASSERT_EQ(r.folds.size(), 2u);
  EXPECT_EQ(r.methods, (std::vector<std::string>{"mean", "library size", "ridge", "ridge, per-slide features", "quadflow"}));
  EXPECT_EQ(r.rows.size(), 2u * 5u * 2u);  // folds x methods x (genes, pathways)

  // Held out B: trained on A1 and A2, judged on B1's spots.
  const SlideData& b1 = data.slides[2];
  const std::vector<double> z_test = b1.log_library_size;
  std::vector<double> z_train = data.slides[0].log_library_size;
  z_train.insert(z_train.end(), data.slides[1].log_library_size.begin(), data.slides[1].log_library_size.end());
  const std::vector<double> p0 = column(b1.pathways, test::kPathways, 0);

  const CvRow& mean = row_of(r, "B", "mean", "pathway");
  EXPECT_EQ(mean.undefined, 3);  // a constant prediction has no r
  std::vector<double> p0_train = column(data.slides[0].pathways, test::kPathways, 0);
  const auto a2 = column(data.slides[1].pathways, test::kPathways, 0);
  p0_train.insert(p0_train.end(), a2.begin(), a2.end());
  const double train_mean = std::accumulate(p0_train.begin(), p0_train.end(), 0.0) / static_cast<double>(p0_train.size());
  double mse = 0;
  for (double y : p0) mse += (y - train_mean) * (y - train_mean) / static_cast<double>(p0.size());
  EXPECT_NEAR(mean.mse[0], mse, 1e-6);

  // library size: a line in log depth, so its r is the depth's r with the target (the slope is
  // positive) and nothing is left of it once depth is taken out
  const CvRow& library = row_of(r, "B", "library size", "pathway");
  EXPECT_NEAR(library.r[0], test::pearson_by_hand(z_test, p0), 1e-6);
  EXPECT_TRUE(!std::isfinite(library.partial_r[0]) || std::abs(library.partial_r[0]) < 1e-6);
  EXPECT_GT(library.r[0], 0.6);                   // P0 follows depth by construction
  EXPECT_LT(std::abs(library.r[1]), 0.2);         // P1 does not

  // ridge recovers the linear pathways; its partial r is the r of what is left after depth
  const CvRow& ridge = row_of(r, "B", "ridge", "pathway");
  EXPECT_GT(ridge.r[0], 0.95);
  EXPECT_GT(ridge.r[1], 0.95);
  EXPECT_GT(ridge.top_mean_r, 0.8);
  EXPECT_NEAR(ridge.partial_r[1], ridge.r[1], 0.05);  // P1 has nothing to do with depth
  EXPECT_GT(ridge.partial_r[0], 0.8);                 // P0 follows depth, and ridge finds it beyond depth
  const CvRow& ridge_genes = row_of(r, "B", "ridge", "gene");
  EXPECT_GT(ridge_genes.r[1], 0.95);  // G1 = 2 P1 + 1
  EXPECT_LT(std::abs(ridge_genes.r[3]), 0.3);  // G3 is noise

  // map specificity of the measured maps: mean |r| of P0's map with P1's and P2's
  const double measured = (std::abs(test::pearson_by_hand(p0, column(b1.pathways, test::kPathways, 1))) +
                           std::abs(test::pearson_by_hand(p0, column(b1.pathways, test::kPathways, 2)))) / 2;
  EXPECT_NEAR(ridge.measured_maps_between[0], measured, 1e-6);
  EXPECT_EQ(ridge.closest_defined, 3);
  EXPECT_EQ(ridge.own_closest, 3);  // three independent linear pathways, each found

  const CvRow& model = row_of(r, "B", "quadflow", "pathway");
  EXPECT_GT(model.mean_r, 0.5);
  EXPECT_GT(model.seconds, 0);
  for (const auto& row : r.rows) EXPECT_EQ(row.protocol, r.folds.front().protocol);

  const std::string md = cv_summary_markdown(r);
  for (const auto& method : r.methods) EXPECT_NE(md.find(method), std::string::npos) << method;
  test::TempDir dir;
  write_cv_tsv(r, dir / "cv.tsv");
  const std::string tsv = test::read_text(dir / "cv.tsv");
  EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 1 + 2 * 5 * (4 + 3));  // header, then a row per target
}

}  // namespace
}  // namespace stx
