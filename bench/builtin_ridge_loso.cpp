// How much of the Hallmark pathway scores the built-in encoder's features predict:
// leave-one-section-out ridge regression over HER2ST C2-C5 (the sections with images), per
// fold, for the zmean and rank (default) scores, side by side with a simple colour/texture
// baseline (8 features: Lab mean/sd and gradient mean/sd of the spot patch). Lambda is chosen
// by leave-one-section-out within the three training sections.
// Usage: builtin_ridge_loso SHARED_DATA CACHE_DIR
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "stx/stats/ridge.hpp"
#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/encoders/feature_cache.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"

namespace {

const std::vector<std::string> kSections = {"C2", "C3", "C4", "C5"};
const std::vector<std::string> kSimpleFeatures = {"spot_L_mean", "spot_L_sd", "spot_a_mean",
                                                  "spot_a_sd", "spot_b_mean", "spot_b_sd",
                                                  "spot_gradient_mean", "spot_gradient_sd"};
const std::vector<double> kLambdas = {0.1, 1, 10, 100, 1000, 10000};

struct Section {
  stx::DenseMatrix features, simple;
  std::map<std::string, stx::DenseMatrix> targets;  // by scoring method
};

stx::DenseMatrix to_dense(const std::vector<float>& values, int64_t rows, int64_t cols) {
  return {rows, cols, std::vector<double>(values.begin(), values.end())};
}

stx::DenseMatrix stack(const std::vector<const stx::DenseMatrix*>& parts) {
  stx::DenseMatrix out{0, parts.front()->cols, {}};
  for (const auto* m : parts) {
    out.values.insert(out.values.end(), m->values.begin(), m->values.end());
    out.rows += m->rows;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: builtin_ridge_loso SHARED_DATA CACHE_DIR\n";
    return 1;
  }
  const std::string shared = argv[1], cache = argv[2];
  stx::EncoderOptions encoder_options;
  const auto encoder = stx::make_encoder(encoder_options);
  const auto names = encoder->feature_names();
  std::vector<int64_t> simple_columns;
  for (const auto& f : kSimpleFeatures)
    simple_columns.push_back(std::find(names.begin(), names.end(), f) - names.begin());

  std::vector<Section> sections;
  for (const auto& name : kSections) {
    stx::ReadOptions read;
    read.input = shared + "/her2st";
    read.section = name;
    read.require_image = true;
    const stx::Slide slide = stx::read_slide(read);
    const auto result = stx::encode_with_cache(slide, *encoder, encoder_options.patch, cache, false);
    Section s;
    s.features = to_dense(result.features.values, slide.n_spots(), result.features.dim());
    s.simple = {slide.n_spots(), static_cast<int64_t>(simple_columns.size()), {}};
    for (int64_t r = 0; r < slide.n_spots(); ++r)
      for (int64_t c : simple_columns) s.simple.values.push_back(s.features.at(r, c));
    const auto match = stx::match_gene_sets(stx::builtin_hallmarks(), slide.gene_symbols);
    for (auto method : {stx::ScoreMethod::kZmean, stx::ScoreMethod::kRank}) {
      stx::ScoreOptions options;
      options.method = method;
      const auto scores = stx::score_pathways(slide.counts, match, options);
      s.targets[stx::to_string(method)] =
          to_dense(scores.values, slide.n_spots(), static_cast<int64_t>(scores.pathways.size()));
    }
    sections.push_back(std::move(s));
    std::cerr << name << ": " << slide.n_spots() << " spots, "
              << (result.reused ? "features from cache" : "features computed") << "\n";
  }

  std::cout << "| target | features | " << "held out C2 | C3 | C4 | C5 | mean |\n|---|---|---|---|---|---|---|\n";
  for (const std::string method : {"zmean", "rank"}) {
    for (const std::string kind : {"simple (8)", "builtin (60)"}) {
      double total = 0;
      std::cout << "| " << method << " | " << kind << " |";
      for (size_t held = 0; held < sections.size(); ++held) {
        std::vector<const stx::DenseMatrix*> xs, ys;
        std::vector<int> groups;
        for (size_t s = 0; s < sections.size(); ++s) {
          if (s == held) continue;
          const auto& x = kind[0] == 's' ? sections[s].simple : sections[s].features;
          xs.push_back(&x);
          ys.push_back(&sections[s].targets.at(method));
          groups.insert(groups.end(), static_cast<size_t>(x.rows), static_cast<int>(s));
        }
        const auto x_train = stack(xs), y_train = stack(ys);
        const double lambda = stx::choose_ridge_lambda(x_train, y_train, groups, kLambdas);
        const auto model = stx::fit_ridge(x_train, y_train, lambda);
        const auto& x_test = kind[0] == 's' ? sections[held].simple : sections[held].features;
        int undefined = 0;
        const double r = stx::mean_column_pearson(sections[held].targets.at(method),
                                                  stx::predict_ridge(model, x_test), &undefined);
        total += r;
        std::cout << fmt::format(" {:.3f} (λ={:g}{}) |", r, lambda,
                                 undefined ? fmt::format(", {} undefined", undefined) : "");
      }
      std::cout << fmt::format(" **{:.3f}** |\n", total / static_cast<double>(sections.size()));
    }
  }
  return 0;
}
