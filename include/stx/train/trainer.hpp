// Training QuadFlow on one or more slides: AdamW with linear warm-up and cosine decay,
// gradient clipping, whole slides or random spatial crops per step, optional early stopping on
// a validation slide, a checkpoint every few epochs from which an interrupted run resumes to
// the same result (same seed and threads), and one metrics.jsonl line per epoch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stx/model/quadflow_options.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

/// This process's place in a data-parallel run (stx train --nproc N).
struct DataParallel {
  int rank = 0, world = 1;  // world 1: one process, nothing shared
  std::string store;        // the c10d FileStore path every process of the run opens
};

struct TrainOptions {
  QuadFlowOptions model;
  LossWeights loss;
  int64_t epochs = 150;             // one epoch = one pass over the training slides
  int64_t slides_per_step = 1;      // slides whose mean gradient makes one optimiser step
  int64_t ensemble = 5;             // models trained with seeds seed, seed+1, ...; predictions averaged
  int64_t finetune_blocks = 0;      // > 0: train the ViT's last k blocks too (slides carry tokens;
                                    // the weights come from metadata.encoder_weights)
  double finetune_lr_scale = 0.1;   // the tail's learning rate relative to QuadFlow's
  double learning_rate = 2e-3;
  double weight_decay = 0.05;
  double warmup_fraction = 0.05;    // of all steps
  double clip_norm = 1.0;
  int64_t crop_spots = 0;           // > 0: each step trains on this many spots around a random centre
  int64_t patience = 0;             // early stopping after this many epochs without a better
                                    // validation loss (0: off; needs a validation slide)
  uint64_t seed = 0;
  int threads = 0;                  // 0 = all cores
  std::string device = "cpu";       // cpu | cuda | auto
  std::string run_dir;              // checkpoint.pt and metrics.jsonl go here (empty: none);
                                    // ensemble members after the first in run_dir/member_K
  int64_t checkpoint_every = 10;    // epochs
  bool resume = false;              // continue from run_dir/checkpoint.pt when present
  DataParallel parallel;            // world > 1: the step's slides are dealt to the processes and
                                    // their gradients summed; only rank 0 writes to run_dir
};

struct EpochReport {
  int64_t member = 1, members = 1;  // which model of the ensemble
  int64_t epoch = 0, epochs = 0;
  double train_loss = 0, val_loss = 0;  // val_loss NaN without a validation slide
  double gene_r = 0, pathway_r = 0;     // training-step means
  double seconds = 0, eta_seconds = 0;
};

using EpochCallback = std::function<void(const EpochReport&)>;

/// ConfigError naming the option when a training option is out of its range or not finite:
/// epochs 1..1e6, ensemble 1..100, threads 0..1024, learning rate in (0, 10], weight decay,
/// dropout, smoothness and the rest finite in their ranges. train_quadflow calls it; the
/// commands call it before they read any data.
void check_train_options(const TrainOptions& options);

/// Whether QuadFlow gets its linear path unless told otherwise (`--linear-path auto`): for a
/// single model, not for an ensemble. The frozen linear path steadies one model (HER2ST
/// C2-C5, leave-one-out: pathways 0.386 with it, 0.359 without); but it is the same in every
/// member, so an ensemble averages away less, and ensembles of 2, 3 and 5 did better without
/// it (docs/model.md, "The linear path and the ensemble").
bool linear_path_by_default(int64_t ensemble);

/// `metadata` carries names, membership and encoder identity; the trainer fills in the
/// architecture from `options.model`, its sizes from the data, and the standardisation from
/// the training slides. With options.ensemble > 1, member K is trained with seed + K - 1 and
/// the returned model averages their predictions. On the CPU, W = min(ensemble, threads)
/// members train side by side with threads / W threads each; on a GPU, one after the other.
TrainedModel train_quadflow(const std::vector<SlideData>& train, const SlideData* validation,
                            ModelMetadata metadata, const TrainOptions& options,
                            const EpochCallback& on_epoch = {});
/// The same, on slides held elsewhere (cross-validation folds: no copies).
TrainedModel train_quadflow(const std::vector<const SlideData*>& train, const SlideData* validation,
                            ModelMetadata metadata, const TrainOptions& options,
                            const EpochCallback& on_epoch = {});

}  // namespace stx
