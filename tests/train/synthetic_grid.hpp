// The spot layout the trainer tests share: 12 x 12 spots on a hexagonal grid of 100 µm pitch
// (rows offset by half a pitch), 0.5 µm per pixel, a constant library size. The tests add
// their own features and targets.
#pragma once

#include <random>
#include <string>

#include "stx/train/slide_data.hpp"
#include "stx/train/trainer.hpp"
#include "stx/train/trained_model.hpp"

namespace stx::test {

inline SlideData grid_slide(const std::string& name) {
  SlideData s;
  s.spots.name = s.group = name;
  s.spots.um_per_px = 0.5;  // pixels of 2 x µm, so that x_um() gives the µm back exactly
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 12; ++c) {
      s.spots.spot_ids.push_back(std::to_string(r) + "x" + std::to_string(c));
      s.spots.pixel_x.push_back((100.0 * c + (r % 2 ? 50 : 0)) / 0.5);
      s.spots.pixel_y.push_back(86.6 * r / 0.5);
      s.log_library_size.push_back(8.0);
    }
  return s;
}

// Slides whose targets are a known function of the features, for the trainer and attribution
// tests: pathways linear in the features, genes in the pathways (gene 3 noise).
inline constexpr int64_t kFeatures = 5, kPathways = 3, kGenes = 4;

// A 12 x 12 hex-ish grid; pathways are linear in the features, genes in the pathways.
inline SlideData synthetic_slide(const std::string& name, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  SlideData s = grid_slide(name);
  s.feature_dim = kFeatures;
  for (int64_t i = 0; i < s.n_spots(); ++i) {
    float f[kFeatures];
    for (float& v : f) v = normal(rng);
    s.features.insert(s.features.end(), f, f + kFeatures);
    const float p[kPathways] = {f[0] + 0.5f * f[1], f[2] - f[3], 0.3f * f[4] + 0.05f * normal(rng)};
    s.pathways.insert(s.pathways.end(), p, p + kPathways);
    const float g[kGenes] = {p[0], 2 * p[1] + 1, p[0] + p[2], 0.1f * normal(rng)};
    s.genes.insert(s.genes.end(), g, g + kGenes);
  }
  return s;
}

inline ModelMetadata synthetic_metadata() {
  ModelMetadata m;
  m.encoder_identity = "synthetic";
  m.pathways = {"P0", "P1", "P2"};
  m.genes = {"G0", "G1", "G2", "G3"};
  m.feature_names = {"f0", "f1", "f2", "f3", "f4"};
  m.membership = {1, 0, 1, 0, /**/ 0, 1, 0, 0, /**/ 0, 0, 1, 0};
  return m;
}

inline TrainOptions fast_options() {
  TrainOptions o;
  o.model.width = 32;
  o.model.heads = 2;
  o.model.layers = 1;
  o.model.dropout = 0.1;
  o.epochs = 60;
  o.learning_rate = 3e-3;
  o.threads = 1;
  o.seed = 7;
  o.ensemble = 1;  // single models; the ensemble has its own test
  return o;
}

}  // namespace stx::test
