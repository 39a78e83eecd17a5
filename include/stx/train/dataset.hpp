// From input paths to model-ready slides: read each slide, score its pathways, encode its
// patches (through the feature cache), choose the target genes over all slides, and fill the
// model metadata (names, gene-set membership, encoder identity). What `stx train` and
// `stx evaluate` share.
#pragma once

#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/torch/vit.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

struct DatasetOptions {
  EncoderOptions encoder;
  std::string cache_dir = "stx-cache";
  ScoreOptions scoring;
  std::string gene_sets = "hallmarks";  // or a GMT path
  TargetGeneOptions targets;
  int64_t finetune_blocks = 0;  // > 0: also each spot's ViT tokens before its last k blocks
};

struct Dataset {
  std::vector<SlideData> slides;
  ModelMetadata metadata;  // names, membership, encoder; standardisation is the trainer's
};

Dataset prepare_dataset(const std::vector<ReadOptions>& inputs, const DatasetOptions& options);

/// How `model`'s pathway targets were scored (method, max rank, thinning): how a slide's truth
/// is scored for it.
ScoreOptions target_scoring(const ModelMetadata& model);

/// `slide` made ready for prediction by a model: its features joined and, when the slide has
/// counts with every target gene and gene set of the model, its measured targets scored as in
/// training, so that predictions can be set against the truth. Otherwise no targets, and
/// `why_no_truth` (if given) says why.
SlideData slide_data_for_model(const Slide& slide, const EncodedFeatures& features,
                               const ModelMetadata& model, std::string* why_no_truth = nullptr);

/// The ViT whose last `blocks` blocks are fine-tuned, loaded once per run; ConfigError unless
/// `encoder` is a float32 `vit` with at least that many blocks.
std::unique_ptr<NativeViT> finetuning_vit(const EncoderOptions& encoder, int64_t blocks);

/// Adds each spot's tokens before the ViT's last `blocks` blocks to `data`.
void add_finetuning_tokens(SlideData& data, const Slide& slide, const NativeViT& vit,
                           const EncoderOptions& encoder, int64_t blocks);

/// Encoder identity as stored in checkpoints: identity plus preprocessing, when any.
std::string encoder_identity(const Encoder& encoder);

}  // namespace stx
