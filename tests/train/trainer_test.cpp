// Training on synthetic slides whose targets are a known function of the features: the model
// must learn it, survive a save/load round trip bit for bit, and resume from a checkpoint
// after a crash to exactly the weights of an uninterrupted run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>

#include "model_metadata.hpp"
#include "stx/model/neighbourhood.hpp"
#include "stx/core/error.hpp"
#include "stx/stats/stats.hpp"
#include "stx/stats/ridge.hpp"
#include "stx/train/trainer.hpp"
#include "synthetic_grid.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

using test::fast_options;
using test::kFeatures;
using test::kGenes;
using test::kPathways;
using test::synthetic_metadata;
using test::synthetic_slide;

double column_r(const std::vector<float>& truth, const std::vector<float>& pred, int64_t cols, int64_t c) {
  std::vector<double> a, b;
  for (size_t i = static_cast<size_t>(c); i < truth.size(); i += static_cast<size_t>(cols)) {
    a.push_back(truth[i]);
    b.push_back(pred[i]);
  }
  return pearson(a, b);
}

// The flows alone (no closed-form linear path) must learn the map.
TEST(Trainer, LearnsALinearPathwayMapAndPredictsAHeldOutSlide) {
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  const SlideData test = synthetic_slide("C", 3);
  auto o = fast_options();
  o.model.linear_path = false;
  const TrainedModel model = train_quadflow(train, nullptr, synthetic_metadata(), o);
  const Prediction p = model.predict(test, false, 1);
  ASSERT_EQ(p.n_spots, test.n_spots());
  for (int64_t c = 0; c < 2; ++c)
    EXPECT_GT(column_r(test.pathways, p.pathways, kPathways, c), 0.9) << "pathway " << c;
  EXPECT_GT(column_r(test.genes, p.genes, kGenes, 1), 0.9);
  // predictions are in the targets' own scale (un-standardised): gene 1 = 2 p1 + 1
  double mean = 0;
  for (int64_t i = 0; i < p.n_spots; ++i) mean += p.genes[static_cast<size_t>(i * kGenes + 1)];
  EXPECT_NEAR(mean / static_cast<double>(p.n_spots), 1.0, 0.3);
}

DenseMatrix stacked(const std::vector<const SlideData*>& slides, bool features) {
  DenseMatrix m{0, features ? kFeatures : kPathways, {}};
  for (const auto* s : slides) {
    const auto& v = features ? s->features : s->pathways;
    m.values.insert(m.values.end(), v.begin(), v.end());
    m.rows += s->n_spots();
  }
  return m;
}

// The linear path's inputs written out independently of the model: the slide's features,
// standardised over its own spots (slide_feature_norm) or left for the ridge to standardise,
// then with linear_path_neighbours the mean of the other neighbours' rows.
DenseMatrix linear_path_inputs(const std::vector<const SlideData*>& slides, const QuadFlowOptions& o) {
  DenseMatrix m{0, (o.linear_path_neighbours ? 2 : 1) * kFeatures, {}};
  for (const auto* s : slides) {
    std::vector<double> x(s->features.begin(), s->features.end());
    if (o.slide_feature_norm)
      for (int64_t c = 0; c < kFeatures; ++c) {
        const auto n = static_cast<double>(s->n_spots());
        double mean = 0, var = 0;
        for (int64_t i = 0; i < s->n_spots(); ++i) mean += x[i * kFeatures + c] / n;
        for (int64_t i = 0; i < s->n_spots(); ++i) var += std::pow(x[i * kFeatures + c] - mean, 2) / n;
        for (int64_t i = 0; i < s->n_spots(); ++i) x[i * kFeatures + c] = (x[i * kFeatures + c] - mean) / std::sqrt(var);
      }
    const Neighbourhood nb = build_neighbourhood(s->x_um(), s->y_um(), o.neighbours, o.radius_pitches);
    const auto index = nb.index.accessor<int64_t, 2>();
    const auto valid = nb.valid.accessor<bool, 2>();
    for (int64_t i = 0; i < s->n_spots(); ++i) {
      for (int64_t c = 0; c < kFeatures; ++c) m.values.push_back(x[i * kFeatures + c]);
      if (!o.linear_path_neighbours) continue;
      std::vector<double> mean(kFeatures, 0);
      int count = 0;
      for (int64_t k = 1; k < nb.index.size(1); ++k)
        if (valid[i][k]) {
          for (int64_t c = 0; c < kFeatures; ++c) mean[c] += x[index[i][k] * kFeatures + c];
          ++count;
        }
      for (int64_t c = 0; c < kFeatures; ++c) m.values.push_back(mean[c] / count);
    }
    m.rows += s->n_spots();
  }
  return m;
}

// Before the flows have learned anything (gate at 0), QuadFlow's pathways are the ridge
// baseline's predictions on the linear path's inputs: same penalty choice
// (leave-one-slide-out), the trainer's standardisation folded in correctly. A learning rate of
// 1e-12 keeps the gate at ~0. Each combination of per-slide standardisation and neighbours.
TEST(Trainer, LinearPathStartsAtTheRidgeBaseline) {
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2),
                                        synthetic_slide("C", 3)};
  SlideData test = synthetic_slide("D", 4);
  for (float& v : test.features) v = 3 * v + 1;  // a slide-wide shift that per-slide standardisation removes
  for (const bool slide_norm : {false, true})
    for (const bool neighbours : {false, true}) {
      auto o = fast_options();
      o.epochs = 1;
      o.learning_rate = 1e-12;
      o.model.slide_feature_norm = slide_norm;
      o.model.linear_path_neighbours = neighbours;
      const TrainedModel model = train_quadflow(train, nullptr, synthetic_metadata(), o);
      const Prediction p = model.predict(test, false, 1);

      const std::vector<const SlideData*> slides = {&train[0], &train[1], &train[2]};
      std::vector<int> groups;
      for (int s = 0; s < 3; ++s) groups.insert(groups.end(), static_cast<size_t>(train[0].n_spots()), s);
      const DenseMatrix x = linear_path_inputs(slides, o.model), y = stacked(slides, false);
      const double lambda = choose_ridge_lambda(x, y, groups, default_ridge_lambdas());
      const DenseMatrix ridge = predict_ridge(fit_ridge(x, y, lambda), linear_path_inputs({&test}, o.model));
      ASSERT_EQ(ridge.values.size(), p.pathways.size());
      for (size_t i = 0; i < p.pathways.size(); ++i)
        ASSERT_NEAR(p.pathways[i], ridge.values[i], 1e-4) << i << " slide norm " << slide_norm << " neighbours " << neighbours;
    }
}

// Per-slide standardisation: a slide-wide positive scale and shift of each feature (what a
// different stain or scanner does to colour features) leaves the predictions unchanged; with
// the training spots' standardisation it moves them.
TEST(Trainer, PerSlideStandardisationIgnoresSlideWideFeatureShifts) {
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  const SlideData test = synthetic_slide("C", 3);
  SlideData shifted = test;
  for (size_t i = 0; i < shifted.features.size(); ++i)
    shifted.features[i] = shifted.features[i] * (1.5f + 0.25f * static_cast<float>(i % kFeatures)) - 2.f;
  for (const bool slide_norm : {true, false}) {
    auto o = fast_options();
    o.epochs = 10;
    o.model.slide_feature_norm = slide_norm;
    const TrainedModel model = train_quadflow(train, nullptr, synthetic_metadata(), o);
    const Prediction a = model.predict(test, false, 1), b = model.predict(shifted, false, 1);
    double largest = 0;
    for (size_t i = 0; i < a.pathways.size(); ++i) largest = std::max(largest, std::abs(double(a.pathways[i]) - b.pathways[i]));
    if (slide_norm) EXPECT_LT(largest, 1e-4);
    else EXPECT_GT(largest, 0.1);
  }
}

TEST(SlideData, StandardiseColumnsPerSlide) {
  const auto z = standardise_columns({1, 5, 2, 3, 5, 2}, 3);  // rows (1, 5, 2), (3, 5, 2)
  const std::vector<float> expected = {-1, 0, 0, 1, 0, 0};   // a constant column becomes 0
  ASSERT_EQ(z.size(), expected.size());
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(z[i], expected[i], 1e-6) << i;
  EXPECT_THROW(standardise_columns({1, 2, 3}, 2), ShapeError);
}

// --ensemble 2: two members trained with seeds 7 and 8, predictions averaged; the same as
// training the two single models and averaging by hand, and it survives save/load.
// With 2 threads the two members train side by side, one thread each; with 1 thread, one
// after the other. Either way each member is the single model of its seed trained on one
// thread, and every epoch of both is reported.
TEST(Trainer, EnsembleIsTheMeanOfItsMembers) {
  test::TempDir dir;
  auto o = fast_options();
  o.epochs = 4;
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  const SlideData test = synthetic_slide("C", 3);
  o.ensemble = 1;
  const TrainedModel first = train_quadflow(train, nullptr, synthetic_metadata(), o);
  o.seed = 8;
  const TrainedModel second = train_quadflow(train, nullptr, synthetic_metadata(), o);
  const Prediction a = first.predict(test, true, 1), b = second.predict(test, true, 1);
  EXPECT_NE(a.pathways, b.pathways);  // different seeds, different models
  for (const int threads : {1, 2}) {
    o.seed = 7;
    o.ensemble = 2;
    o.threads = threads;
    std::vector<int> epochs_reported(3, 0);
    const TrainedModel ensemble = train_quadflow(train, nullptr, synthetic_metadata(), o,
                                                 [&](const EpochReport& r) { ++epochs_reported.at(r.member); });
    EXPECT_EQ(ensemble.members(), 2);
    EXPECT_EQ(epochs_reported[1], 4) << threads;
    EXPECT_EQ(epochs_reported[2], 4) << threads;
    const Prediction e = ensemble.predict(test, true, 1);
    ASSERT_EQ(e.pathways.size(), a.pathways.size());
    for (size_t i = 0; i < e.pathways.size(); ++i)
      ASSERT_NEAR(e.pathways[i], (a.pathways[i] + b.pathways[i]) / 2, 1e-5) << threads;
    for (size_t i = 0; i < e.genes.size(); ++i) ASSERT_NEAR(e.genes[i], (a.genes[i] + b.genes[i]) / 2, 1e-5) << threads;
    ASSERT_EQ(e.pathway_attention.size(), a.pathway_attention.size());
    for (size_t i = 0; i < e.pathway_attention.size(); ++i)
      ASSERT_NEAR(e.pathway_attention[i], (a.pathway_attention[i] + b.pathway_attention[i]) / 2, 1e-6) << threads;
    ensemble.save(dir / "ensemble.pt");
    const TrainedModel loaded = TrainedModel::load(dir / "ensemble.pt");
    EXPECT_EQ(loaded.members(), 2);
    EXPECT_EQ(loaded.predict(test, false, 1).pathways, ensemble.predict(test, false, 1).pathways);
  }
}

// The decoder's effects, read from its weights, against the predictions themselves: the decoder
// is linear, so between two spots a model's predicted genes differ by its pathways' difference
// (in training sd) times the effects. An ensemble's effects are its members' mean (the change
// when every member's pathway rises by the same amount).
TEST(Trainer, DecoderEffectsExplainThePredictedGenes) {
  auto o = fast_options();
  o.epochs = 4;
  o.model.linear_path = false;
  o.model.residual_rank = 2;
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  const TrainedModel model = train_quadflow(train, nullptr, synthetic_metadata(), o);
  const Prediction p = model.predict(synthetic_slide("C", 3), false, 1);
  const DecoderEffects e = model.decoder_effects();
  ASSERT_EQ(e.n_pathways, kPathways);
  ASSERT_EQ(e.n_genes, kGenes);
  const auto& membership = model.metadata().membership;
  double largest_residual = 0;
  for (size_t i = 0; i < membership.size(); ++i) {
    if (!membership[i]) {
      EXPECT_EQ(e.through_sets[i], 0.f) << i;  // the set-tied path stays in the set
    }
    largest_residual = std::max(largest_residual, std::abs(double(e.through_residual[i])));
  }
  EXPECT_GT(largest_residual, 1e-4);  // the residual has been trained away from its zero start
  const auto& sd = model.metadata().pathway_sd;
  for (int64_t i = 1; i < p.n_spots; ++i)
    for (int64_t g = 0; g < kGenes; ++g) {
      double expected = 0;
      for (int64_t q = 0; q < kPathways; ++q)
        expected += (p.pathways[static_cast<size_t>(i * kPathways + q)] - p.pathways[static_cast<size_t>(q)]) /
                    sd[static_cast<size_t>(q)] * e.total(q, g);
      ASSERT_NEAR(p.genes[static_cast<size_t>(i * kGenes + g)] - p.genes[static_cast<size_t>(g)], expected, 2e-4)
          << "spot " << i << ", gene " << g;
    }
  o.seed = 8;
  const TrainedModel other_model = train_quadflow(train, nullptr, synthetic_metadata(), o);
  const DecoderEffects other = other_model.decoder_effects();
  o.seed = 7;
  o.ensemble = 2;  // members seeded 7 and 8, as the two above
  const TrainedModel ensemble = train_quadflow(train, nullptr, synthetic_metadata(), o);
  const DecoderEffects both = ensemble.decoder_effects();
  for (size_t i = 0; i < both.through_sets.size(); ++i) {
    ASSERT_NEAR(both.through_sets[i], (e.through_sets[i] + other.through_sets[i]) / 2, 1e-6) << i;
    ASSERT_NEAR(both.through_residual[i], (e.through_residual[i] + other.through_residual[i]) / 2, 1e-6) << i;
  }
  // the P<->P coupling likewise: the members' mean, each row a distribution
  const PathwayCoupling c7 = model.pathway_coupling(), c8 = other_model.pathway_coupling(), c = ensemble.pathway_coupling();
  ASSERT_EQ(c.n_pathways, kPathways);
  for (size_t i = 0; i < c.attention.size(); ++i) ASSERT_NEAR(c.attention[i], (c7.attention[i] + c8.attention[i]) / 2, 1e-6);
  for (int64_t row = 0; row < kPathways; ++row) {
    double sum = 0;
    for (int64_t col = 0; col < kPathways; ++col) sum += c.attention[static_cast<size_t>(row * kPathways + col)];
    EXPECT_NEAR(sum, 1.0, 1e-5) << row;
  }
  EXPECT_NE(e.through_residual, other.through_residual);
  o.model.residual_rank = 0;  // a strict bottleneck: no gene moves with a pathway whose set it is not in
  const DecoderEffects strict = train_quadflow(train, nullptr, synthetic_metadata(), o).decoder_effects();
  for (size_t i = 0; i < membership.size(); ++i) {
    EXPECT_EQ(strict.through_residual[i], 0.f) << i;
    if (!membership[i]) {
      EXPECT_EQ(strict.total(int64_t(i) / kGenes, int64_t(i) % kGenes), 0.f) << i;
    }
  }
}

TEST(SlideData, GeneSetOverlapIsTheJaccardIndex) {
  const std::vector<GeneSet> sets = {{"A", "", {"a", "b", "c"}}, {"B", "", {"b", "c", "d", "e"}}, {"C", "", {"x"}}};
  const auto overlap = gene_set_overlap(sets, {"B", "A", "C"});  // the order of the pathways
  const std::vector<float> expected = {1, 0.4f, 0, /**/ 0.4f, 1, 0, /**/ 0, 0, 1};
  ASSERT_EQ(overlap.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(overlap[i], expected[i]) << i;
  EXPECT_STX_ERROR(gene_set_overlap(sets, {"A", "Z"}), ConfigError, "no set named 'Z'");
}

TEST(Trainer, CheckpointRoundTripPredictsIdentically) {
  test::TempDir dir;
  auto o = fast_options();
  o.epochs = 5;
  const std::vector<SlideData> train = {synthetic_slide("A", 1)};
  const TrainedModel model = train_quadflow(train, nullptr, synthetic_metadata(), o);
  model.save(dir / "model.pt");
  const TrainedModel loaded = TrainedModel::load(dir / "model.pt");
  EXPECT_EQ(loaded.metadata().genes, model.metadata().genes);
  EXPECT_EQ(loaded.metadata().feature_mean, model.metadata().feature_mean);
  const SlideData test = synthetic_slide("C", 3);
  EXPECT_EQ(loaded.predict(test, false, 1).genes, model.predict(test, false, 1).genes);
}

// The architecture comes from the training options, whatever the metadata says: this is
// what makes each ablation of `stx evaluate --ablations` a different model.
TEST(Trainer, BuildsTheArchitectureTheOptionsAskFor) {
  auto o = fast_options();
  o.epochs = 3;
  o.model.width = 16;
  const std::vector<SlideData> train = {synthetic_slide("A", 1)};
  const TrainedModel full = train_quadflow(train, nullptr, synthetic_metadata(), o);
  EXPECT_EQ(full.metadata().model.width, 16);
  o.model.spatial_attention = false;
  const TrainedModel ablated = train_quadflow(train, nullptr, synthetic_metadata(), o);
  EXPECT_FALSE(ablated.metadata().model.spatial_attention);
  const SlideData test = synthetic_slide("C", 3);
  EXPECT_NE(full.predict(test, false, 1).pathways, ablated.predict(test, false, 1).pathways);
}

TEST(Trainer, ResumesAfterACrashToTheSameWeights) {
  test::TempDir dir;
  auto o = fast_options();
  o.epochs = 9;
  o.checkpoint_every = 2;
  const std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  const TrainedModel straight = train_quadflow(train, nullptr, synthetic_metadata(), o);

  o.run_dir = dir.path().string();
  o.resume = true;
  struct Crash {};
  EXPECT_THROW(train_quadflow(train, nullptr, synthetic_metadata(), o,
                              [](const EpochReport& r) {
                                if (r.epoch == 5) throw Crash{};  // last checkpoint: epoch 4
                              }),
               Crash);
  int64_t epochs_seen = 0;
  const TrainedModel resumed = train_quadflow(train, nullptr, synthetic_metadata(), o,
                                              [&](const EpochReport&) { ++epochs_seen; });
  EXPECT_EQ(epochs_seen, 5);  // epochs 5..9
  const SlideData test = synthetic_slide("C", 3);
  EXPECT_EQ(resumed.predict(test, false, 1).pathways, straight.predict(test, false, 1).pathways);
  EXPECT_EQ(test::read_text(dir / "metrics.jsonl").find("\"epoch\":9") != std::string::npos, true);
}

TEST(Trainer, RefusesToResumeAnotherConfiguration) {
  test::TempDir dir;
  auto o = fast_options();
  o.epochs = 2;
  o.run_dir = dir.path().string();
  const std::vector<SlideData> train = {synthetic_slide("A", 1)};
  train_quadflow(train, nullptr, synthetic_metadata(), o);
  o.resume = true;
  o.learning_rate = 1e-2;
  EXPECT_STX_ERROR(train_quadflow(train, nullptr, synthetic_metadata(), o), ConfigError,
                   "different configuration");
}

TEST(Trainer, BadInputGetsClearErrors) {
  auto o = fast_options();
  SlideData narrow = synthetic_slide("A", 1);
  narrow.feature_dim = 4;
  EXPECT_STX_ERROR(train_quadflow({narrow}, nullptr, synthetic_metadata(), o), ShapeError,
                   "4 features");
  SlideData image_only = synthetic_slide("B", 2);
  image_only.pathways.clear();
  EXPECT_STX_ERROR(train_quadflow({image_only}, nullptr, synthetic_metadata(), o), ConfigError,
                   "no expression");
  o.epochs = 1;
  const TrainedModel model = train_quadflow({synthetic_slide("A", 1)}, nullptr, synthetic_metadata(), o);
  SlideData wrong = synthetic_slide("C", 3);
  wrong.feature_dim = 6;
  EXPECT_STX_ERROR(model.predict(wrong), ShapeError, "trained on 5");
  test::TempDir dir;
  test::write_text(dir / "not_a_model.pt", "hello");
  EXPECT_THROW(TrainedModel::load(dir / "not_a_model.pt"), FormatError);
}

// A loss that is not finite stops the run with an error, before any of that epoch is saved;
// out-of-range options are refused before anything is trained.
TEST(Trainer, StopsOnANonFiniteLossAndRefusesBadOptions) {
  std::vector<SlideData> train = {synthetic_slide("A", 1), synthetic_slide("B", 2)};
  train[1].genes[3] = std::numeric_limits<float>::infinity();  // the gene sd becomes inf, the loss NaN
  test::TempDir dir;
  auto o = fast_options();
  o.epochs = 3;
  o.run_dir = dir.path().string();
  EXPECT_STX_ERROR(train_quadflow(train, nullptr, synthetic_metadata(), o), ConfigError, "the loss became");
  EXPECT_FALSE(std::filesystem::exists(dir / "checkpoint.pt"));
  train[1] = synthetic_slide("B", 2);
  for (const auto& [edit, option] : std::vector<std::pair<std::function<void(TrainOptions&)>, std::string>>{
           {[](TrainOptions& t) { t.learning_rate = std::nan(""); }, "--lr"},
           {[](TrainOptions& t) { t.learning_rate = 1e30; }, "--lr"},
           {[](TrainOptions& t) { t.model.dropout = std::nan(""); }, "--dropout"},
           {[](TrainOptions& t) { t.weight_decay = -5; }, "--weight-decay"},
           {[](TrainOptions& t) { t.epochs = 99999999999; }, "--epochs"},
           {[](TrainOptions& t) { t.threads = -3; }, "--threads"},
           {[](TrainOptions& t) { t.model.heads = 5; }, "--heads"}}) {
    auto bad = fast_options();
    edit(bad);
    EXPECT_STX_ERROR(train_quadflow(train, nullptr, synthetic_metadata(), bad), ConfigError, option);
  }
}

// A model file's metadata may not ask for patches no reader can cut (#18: 60000 px had been
// accepted), nor carry scales that are not positive.
TEST(Trainer, ModelMetadataOutOfRangeIsRefused) {
  auto o = fast_options();
  o.epochs = 1;
  const TrainedModel model = train_quadflow({synthetic_slide("A", 1)}, nullptr, synthetic_metadata(), o);
  const nlohmann::json good = metadata_to_json(model.metadata());
  EXPECT_EQ(metadata_from_json(good, "m.pt").genes, model.metadata().genes);
  nlohmann::json huge = good;
  huge["patch_size_px"] = 60000;
  EXPECT_STX_ERROR(metadata_from_json(huge, "m.pt"), FormatError, "m.pt: checkpoint metadata: patch of");
  nlohmann::json zero_sd = good;
  zero_sd["gene_sd"][0] = 0.0;
  EXPECT_STX_ERROR(metadata_from_json(zero_sd, "m.pt"), FormatError, "a standard deviation of 0");
  // what fuzz_model_metadata found or could have: no object, a format of the wrong type, sizes
  // that would allocate without bound or that no module can be built with
  EXPECT_STX_ERROR(metadata_from_json(nlohmann::json(7), "m.pt"), FormatError, "(format 'not an object'");
  nlohmann::json numeric_format = good;
  numeric_format["format"] = 1;
  EXPECT_STX_ERROR(metadata_from_json(numeric_format, "m.pt"), FormatError, "(format 'none'");
  nlohmann::json wide = good;
  wide["model"]["width"] = 1'000'000'000;
  EXPECT_STX_ERROR(metadata_from_json(wide, "m.pt"), FormatError, "is outside what stx trains (width 1..4096");
  nlohmann::json heads = good;
  heads["model"]["heads"] = 3;
  EXPECT_STX_ERROR(metadata_from_json(heads, "m.pt"), FormatError, "heads dividing the width");
  nlohmann::json huge_float = good;
  huge_float["model"]["width"] = 2.9e26;  // into an int64: undefined behaviour if converted
  EXPECT_STX_ERROR(metadata_from_json(huge_float, "m.pt"), FormatError, "a number beyond 1e15 in magnitude");
  nlohmann::json genes = good;
  genes["model"]["n_genes"] = -1;
  EXPECT_STX_ERROR(metadata_from_json(genes, "m.pt"), FormatError, "pathways, -1 genes; expected");
  nlohmann::json newer = good;
  newer["format"] = "stx-quadflow-2";
  EXPECT_STX_ERROR(metadata_from_json(newer, "m.pt"), FormatError,
                   "m.pt: written by a newer stx (model format 'stx-quadflow-2'");
  // the training slides' resolution: [min, max], or absent in models from before it
  nlohmann::json um = good;
  um["training_um_per_px"] = {0.5, 0.7};
  EXPECT_EQ(metadata_from_json(um, "m.pt").training_um_per_px, (std::vector<double>{0.5, 0.7}));
  um.erase("training_um_per_px");
  EXPECT_TRUE(metadata_from_json(um, "m.pt").training_um_per_px.empty());
  um["training_um_per_px"] = {0.7, 0.5};
  EXPECT_STX_ERROR(metadata_from_json(um, "m.pt"), FormatError, "training_um_per_px must be [min, max]");
  // the depth-robust target recipe round-trips, is 0 in models from before it, and is checked
  nlohmann::json recipe = good;
  recipe["score_max_rank"] = 250;
  recipe["score_thin_to"] = 1000;
  const ModelMetadata with_recipe = metadata_from_json(recipe, "m.pt");
  EXPECT_EQ(with_recipe.score_max_rank, 250);
  EXPECT_EQ(with_recipe.score_thin_to, 1000);
  EXPECT_EQ(metadata_to_json(with_recipe).at("score_thin_to"), 1000);
  recipe.erase("score_max_rank");
  recipe.erase("score_thin_to");
  EXPECT_EQ(metadata_from_json(recipe, "m.pt").score_max_rank, 0);
  EXPECT_EQ(metadata_from_json(recipe, "m.pt").score_thin_to, 0);
  recipe["score_thin_to"] = -5;
  EXPECT_STX_ERROR(metadata_from_json(recipe, "m.pt"), FormatError, "score_thin_to >= 0 (found 0 and -5)");
}

}  // namespace
}  // namespace stx
