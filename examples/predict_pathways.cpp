// The library without the CLI: read a section, score its Hallmark pathways from the counts,
// predict them from the H&E with a trained model, and print how well three maps agree.
// Usage: predict_pathways DATASET SECTION MODEL   (e.g. demo/her2st B4 models/her2st-builtin/model.pt)
#include <cstdio>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/pipeline/predict.hpp"
#include "stx/stats/stats.hpp"

int main(int argc, char** argv) {
  if (argc != 4) return std::fprintf(stderr, "usage: %s DATASET SECTION MODEL\n", argv[0]), 1;
  try {
    stx::ReadOptions read;
    read.input = argv[1];
    read.section = argv[2];
    const stx::Slide slide = stx::read_slide(read);
    const auto sets = stx::match_gene_sets(stx::builtin_hallmarks(), slide.gene_symbols);
    const stx::PathwayScores scores = stx::score_pathways(slide.counts, sets, stx::ScoreOptions{});
    std::printf("%s: %lld spots, %zu pathways scored\n", slide.name.c_str(), static_cast<long long>(scores.n_spots),
                scores.pathways.size());

    const stx::TrainedModel model = stx::TrainedModel::load(argv[3]);
    stx::EncoderOptions encoder = stx::model_encoder_options(model.metadata());
    encoder.threads = 2;
    const stx::SlidePrediction p = stx::predict_slide(model, slide, encoder);  // truth scored as in training
    const size_t n_pathways = model.metadata().pathways.size();
    for (size_t k = 0; k < 3 && p.spots.has_targets(); ++k) {
      std::vector<double> measured, predicted;
      for (int64_t i = 0; i < p.spots.n_spots(); ++i) {
        measured.push_back(p.spots.pathways[static_cast<size_t>(i) * n_pathways + k]);
        predicted.push_back(p.prediction.pathways[static_cast<size_t>(i) * n_pathways + k]);
      }
      std::printf("%s: r = %.3f\n", model.metadata().pathways[k].c_str(), stx::pearson(measured, predicted));
    }
  } catch (const stx::Error& e) {
    return std::fprintf(stderr, "error: %s\n", e.what()), 2;
  }
  return 0;
}
