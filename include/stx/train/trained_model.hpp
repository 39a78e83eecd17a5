// A trained QuadFlow with everything prediction needs: the weights, the model options, gene
// and pathway names, the standardisation of features and targets, and the identity of the
// encoder whose features it was trained on (prediction refuses any other). Torch-free
// interface; the checkpoint is one LibTorch archive written atomically.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stx/histology/torch/vit_tail_shape.hpp"
#include "stx/model/quadflow_options.hpp"
#include "stx/train/slide_data.hpp"

namespace stx {

class StagedFiles;

struct ModelMetadata {
  QuadFlowOptions model;
  std::string version;
  std::string encoder_identity;         // Encoder::identity() + preprocessing
  std::string encoder_name;             // builtin | torchscript | vit | swin
  std::string encoder_weights;          // path given at training (for the user's reference)
  std::string stain_reference;          // Macenko reference image given at training ("" = none)
  bool encoder_bf16 = false;            // vit, swin run in bfloat16 (stx predict does the same)
  ViTTailShape encoder_tail;            // blocks > 0: the ViT's last blocks were fine-tuned and
                                        // are part of the model (it reads tokens, not features)
  double patch_size_um = 112.0;  // PatchGeometry's defaults until the dataset sets the encoder's
  int patch_size_px = 224;
  std::string score_method;             // how the pathway targets were scored
  int64_t score_max_rank = 0;           // rank's top-N genes (0: 5% of the genes)
  int64_t score_thin_to = 0;            // counts thinned to this depth before scoring (0: none)
  std::string gene_sets;                // "hallmarks" or the GMT path
  std::vector<std::string> pathways;    // (P)
  std::vector<std::string> genes;       // (G)
  std::string gene_target_scale = "log1p-cp10k";  // GeneTargetScale of the gene targets
  std::vector<std::string> feature_names;  // (F)
  std::vector<uint8_t> membership;      // (P, G)
  std::vector<float> pathway_overlap;   // (P, P) Jaccard of the gene sets; empty: none
  std::vector<float> feature_mean, feature_sd;  // (F)
  std::vector<float> gene_mean, gene_sd;        // (G)
  std::vector<float> pathway_mean, pathway_sd;  // (P)
  std::vector<std::string> training_slides;
  std::vector<double> training_um_per_px;  // (2) min, max over the dataset's slides; empty before
};

struct Prediction {
  int64_t n_spots = 0;
  std::vector<float> pathways;           // (N, P) in the scale of the training scores
  std::vector<float> genes;              // (N, G) in the model's gene_target_scale
  std::vector<float> pathway_attention;  // (P, N) last layer's P<-H weights, when asked for
};

/// The index of a pathway of the model named in full or without its "HALLMARK_" prefix;
/// ConfigError (for --pathway) listing the model's pathways otherwise.
int64_t pathway_index(const ModelMetadata& m, const std::string& name);

/// What the gene decoder does with pathway activity: the change of each gene's prediction (in
/// the model's gene_target_scale) when one pathway's activity rises by one training-spot sd.
/// The decoder is linear, so the change is the same at every spot; an ensemble's is the
/// members' mean. `through_sets` flows through the weights tied to gene-set membership (zero
/// outside the set), `through_residual` through the low-rank residual (zero at rank 0).
struct DecoderEffects {
  int64_t n_pathways = 0, n_genes = 0;
  std::vector<float> through_sets;      // (P, G)
  std::vector<float> through_residual;  // (P, G)
  float total(int64_t pathway, int64_t gene) const {
    const auto i = static_cast<size_t>(pathway * n_genes + gene);
    return through_sets[i] + through_residual[i];
  }
};

/// How the model's pathways attend to one another (QuadFlowImpl::pathway_coupling): the first
/// layer's P<->P attention of the learned pathway tokens, and the gene-set overlap that biases
/// it. Empty without the P<->P flow.
struct PathwayCoupling {
  int64_t n_pathways = 0;
  std::vector<float> attention;  // (P, P) rows sum to 1; an ensemble's is its members' mean
  std::vector<float> overlap;    // (P, P) Jaccard index of the gene sets; empty without the bias
};

/// What an attribution explains: the mean predicted activity of one pathway over some spots.
struct RegionOfInterest {
  int64_t pathway = 0;
  std::vector<uint8_t> spots;  // (N) 1 = in the region
};

/// Integrated gradients of a region's activity: per spot and feature, in the pathway's training
/// scale, summing (up to the integration error) to activity - baseline_activity.
struct Attribution {
  int64_t n_spots = 0, n_features = 0;
  std::vector<float> values;                   // (N, F)
  double activity = 0, baseline_activity = 0;  // at the slide's features and at the baseline
};

class TrainedModel {
 public:
  TrainedModel();  // empty; see train_quadflow and load
  TrainedModel(ModelMetadata metadata, std::shared_ptr<void> module);
  ~TrainedModel();
  TrainedModel(const TrainedModel&);
  TrainedModel& operator=(const TrainedModel&);

  static TrainedModel load(const std::string& path);
  /// One model whose predictions are the mean of the members' (same metadata: trained on the
  /// same data with different seeds). ConfigError when their metadata differ.
  static TrainedModel average(const std::vector<TrainedModel>& members);
  /// Number of averaged models (1 for a single model).
  int64_t members() const;
  /// Atomic: a temp file renamed over `path`.
  void save(const std::string& path) const;
  /// Into `staged`, to appear with the other files of a command when it commits.
  void save(const std::string& path, StagedFiles& staged) const;

  const ModelMetadata& metadata() const;
  /// Features of `slide` must come from the same encoder (checked by the caller against
  /// metadata().encoder_identity) and have feature_dim columns.
  Prediction predict(const SlideData& slide, bool attention = false, int threads = 0) const;
  /// The gene decoder's response to each pathway (see DecoderEffects).
  DecoderEffects decoder_effects() const;
  /// How the pathways attend to one another (see PathwayCoupling).
  PathwayCoupling pathway_coupling() const;

  /// Integrated gradients (Sundararajan et al., 2017) of the region's activity, from the
  /// baseline where every spot's model input is zero (its features at the training mean, or at
  /// the slide's mean for a model that standardises per slide), by the trapezoid rule in
  /// `steps` steps. ConfigError for a model with a fine-tuned encoder tail.
  Attribution integrated_gradients(const SlideData& slide, const RegionOfInterest& region, int steps = 64,
                                   int threads = 0) const;
  /// The region's activity when the spots flagged in `removed` are set to the baseline.
  double region_activity(const SlideData& slide, const RegionOfInterest& region,
                         const std::vector<uint8_t>& removed, int threads = 0) const;
  /// The same architecture with every learned or fitted weight tensor replaced by Gaussian noise
  /// of that tensor's own mean and sd (scalars and the gene-set buffers kept): the randomised
  /// model of the attribution sanity check (Adebayo et al., 2018).
  TrainedModel randomised(uint64_t seed) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace stx
