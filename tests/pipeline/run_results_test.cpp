// The pipeline's run_X return results (#31): each is checked against the files the run wrote
// and against sums done here by hand, and runs narrate only through the caller's Say.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "stx/io/readers/read_slide.hpp"
#include "stx/pipeline/encode.hpp"
#include "stx/pipeline/predict.hpp"
#include "stx/pipeline/score.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

SlideInput demo_section(const std::string& section) {
  SlideInput input;
  input.read.input = std::string(test::kDemoDir) + "/her2st";
  input.read.section = section;
  return input;
}

// A run of the demo's C5 that writes NAME.h5ad and NAME.tsv into `dir`.
template <typename Run>
Run writing_c5(const test::TempDir& dir, const std::string& name) {
  Run run;
  run.slide = demo_section("C5");
  run.output = dir / (name + ".h5ad");
  run.tsv = dir / (name + ".tsv");
  return run;
}

Slide read_back(const std::string& h5ad) {
  ReadOptions read;
  read.input = h5ad;
  return read_h5ad(read);
}

TEST(RunResults, ScoreReportsWhatItWrote) {
  test::TempDir tmp;
  const ScoreRun run = writing_c5<ScoreRun>(tmp, "C5");
  const ScoreResult r = run_score(run);

  const Slide written = read_back(run.output);
  EXPECT_EQ(r.slide, "C5");
  EXPECT_EQ(r.spots, written.n_spots());
  EXPECT_EQ(r.genes, written.n_genes());
  EXPECT_EQ(r.pathways.size() + r.dropped.size(), 50u);
  const SpotMatrix* scores = written.find_obsm("pathway_activity");
  ASSERT_NE(scores, nullptr);
  ASSERT_EQ(scores->cols, static_cast<int64_t>(r.pathways.size()));
  // The TSV: a header and one line per spot.
  const std::string tsv = test::read_text(run.tsv);
  EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), r.spots + 1);

  // Its QC's depth |r|, recomputed from the written scores and counts.
  const std::vector<double> totals = written.counts.row_sums();
  std::vector<double> log_depth;
  for (double t : totals) log_depth.push_back(std::log(t));
  double sum = 0;
  for (int64_t p = 0; p < scores->cols; ++p) {
    std::vector<double> column;
    for (int64_t i = 0; i < r.spots; ++i) column.push_back(scores->values[i * scores->cols + p]);
    sum += std::abs(test::pearson_by_hand(column, log_depth));
  }
  EXPECT_NEAR(r.qc.mean_abs_depth_r, sum / static_cast<double>(scores->cols), 1e-5);
  EXPECT_EQ(r.flagged, 0);
}

TEST(RunResults, EncodeComputesThenReusesItsCache) {
  test::TempDir tmp;
  EncodeRun run;
  run.slide = demo_section("C5");
  run.cache_dir = tmp / "cache";
  const EncodeResult first = run_encode(run);
  const EncodeResult second = run_encode(run);
  EXPECT_FALSE(first.reused);
  EXPECT_TRUE(second.reused);
  EXPECT_EQ(first.path, second.path);
  EXPECT_TRUE(std::filesystem::exists(first.path));
  EXPECT_EQ(first.spots, second.spots);
  EXPECT_GT(first.spots, 100);
  EXPECT_EQ(first.features, 60);  // the builtin encoder's
  EXPECT_EQ(first.encoder.rfind("builtin", 0), 0u) << first.encoder;
}

TEST(RunResults, PredictWithTheShippedModelSaysItSawTheSlide) {
  test::TempDir tmp;
  PredictRun run = writing_c5<PredictRun>(tmp, "C5_predicted");
  run.cache_dir = tmp / "cache";
  run.threads = 2;
  const PredictResult r = run_predict(run);

  const Slide written = read_back(run.output);
  EXPECT_EQ(r.spots, written.n_spots());
  EXPECT_FALSE(r.pseudo_spots);
  EXPECT_EQ(r.pathways, 50);
  const SpotMatrix* activity = written.find_obsm("pathway_activity");
  ASSERT_NE(activity, nullptr);
  EXPECT_EQ(activity->cols, r.pathways);
  EXPECT_FALSE(r.measured.empty());  // C5 has counts: predictions against the measured truth
  // The shipped model trained on every imaged demo section, C5 included: the result says so.
  EXPECT_TRUE(r.slide_in_training);
  EXPECT_NE(describe(r).find("in the model's training data"), std::string::npos);
  EXPECT_FALSE(r.nuclei.has_value());
}

}  // namespace
}  // namespace stx
