#include "stx/train/train_option_table.hpp"

#include <nlohmann/json.hpp>

namespace stx {
namespace {

using Field = std::variant<int64_t*, double*>;

NumericTrainOption integer(std::string flag, std::string key, std::string help, int64_t min,
                           int64_t max, std::function<Field(TrainOptions&)> field) {
  return {std::move(flag),
          std::move(key),
          std::move(help),
          static_cast<double>(min),
          static_cast<double>(max),
          true,
          TrainOptionScope::kTraining,
          false,
          true,
          std::move(field)};
}

NumericTrainOption real(std::string flag, std::string key, std::string help, double min, double max,
                        std::function<Field(TrainOptions&)> field) {
  return {std::move(flag),
          std::move(key),
          std::move(help),
          min,
          max,
          false,
          TrainOptionScope::kTraining,
          false,
          true,
          std::move(field)};
}

NumericTrainOption train_command_only(NumericTrainOption option, bool in_fingerprint) {
  option.scope = TrainOptionScope::kTrainCommand;
  option.in_fingerprint = in_fingerprint;
  return option;
}

NumericTrainOption architecture(NumericTrainOption option) {
  option.architecture = true;
  return option;
}

NumericTrainOption not_in_fingerprint(NumericTrainOption option) {
  option.in_fingerprint = false;
  return option;
}

// QuadFlow's architecture
std::vector<NumericTrainOption> architecture_options() {
  return {
      architecture(integer("--width", "width", "Token width D", 1, 4096,
                           [](TrainOptions& o) { return Field(&o.model.width); })),
      architecture(integer("--layers", "layers", "QuadFlow layers", 1, 64,
                           [](TrainOptions& o) { return Field(&o.model.layers); })),
      architecture(integer("--heads", "heads", "Attention heads (dividing the width)", 1, 4096,
                           [](TrainOptions& o) { return Field(&o.model.heads); })),
      architecture(integer("--neighbours", "neighbours",
                           "H<->H: spots each spot attends to (itself included)", 1, 1024,
                           [](TrainOptions& o) { return Field(&o.model.neighbours); })),
      architecture(integer("--residual-rank", "residual_rank",
                           "Gene decoder residual rank (0: strict bottleneck)", 0, 4096,
                           [](TrainOptions& o) { return Field(&o.model.residual_rank); })),
      architecture(real("--dropout", "dropout", "Dropout", 0, 0.9,
                        [](TrainOptions& o) { return Field(&o.model.dropout); })),
  };
}

// The optimiser and the schedule
std::vector<NumericTrainOption> optimiser_options() {
  return {
      integer("--epochs", "epochs", "Epochs (passes over the training slides)", 1, 1'000'000,
              [](TrainOptions& o) { return Field(&o.epochs); }),
      not_in_fingerprint(
          integer("--ensemble", "ensemble",
                  "Models trained with consecutive seeds whose predictions are averaged", 1, 100,
                  [](TrainOptions& o) { return Field(&o.ensemble); })),
      real("--lr", "learning_rate", "Peak learning rate (AdamW)", 1e-12, 10,
           [](TrainOptions& o) { return Field(&o.learning_rate); }),
      real("--weight-decay", "weight_decay", "AdamW weight decay", 0, 100,
           [](TrainOptions& o) { return Field(&o.weight_decay); }),
      real("", "warmup_fraction", "Share of the steps with a linear learning-rate warm-up", 0, 1,
           [](TrainOptions& o) { return Field(&o.warmup_fraction); }),
      real("", "clip_norm", "Gradient norm clip", 1e-12, 1e12,
           [](TrainOptions& o) { return Field(&o.clip_norm); }),
      integer(
          "--slides-per-step", "slides_per_step",
          "Slides whose mean gradient makes one optimiser step (with --nproc: the default is N)", 1,
          10'000, [](TrainOptions& o) { return Field(&o.slides_per_step); }),
      integer("--crop-spots", "crop_spots",
              "Train on random spatial crops of this many spots (0: whole slides)", 0,
              1'000'000'000, [](TrainOptions& o) { return Field(&o.crop_spots); }),
  };
}

// The loss; fine-tuning the ViT's last blocks; stx train's run folder
std::vector<NumericTrainOption> loss_and_run_options() {
  return {
      real("", "loss_gene", "Weight of the gene loss", 0, 1e6,
           [](TrainOptions& o) { return Field(&o.loss.gene); }),
      real("", "loss_pathway", "Weight of the pathway loss", 0, 1e6,
           [](TrainOptions& o) { return Field(&o.loss.pathway); }),
      real("--smoothness", "smoothness", "Weight of the spatial smoothness penalty", 0, 1e6,
           [](TrainOptions& o) { return Field(&o.loss.smoothness); }),
      real("--map-structure", "map_structure",
           "Weight of the loss on the predicted pathway-pathway correlations against the measured "
           "ones",
           0, 1e6, [](TrainOptions& o) { return Field(&o.loss.map_structure); }),
      real(
          "--map-contrast", "map_contrast",
          "Weight of the loss that makes each pathway's prediction closest to its own measured map",
          0, 1e6, [](TrainOptions& o) { return Field(&o.loss.map_contrast); }),
      integer("--finetune-blocks", "finetune_blocks",
              "vit: train the encoder's last K blocks with QuadFlow (0: frozen encoder)", 0, 1000,
              [](TrainOptions& o) { return Field(&o.finetune_blocks); }),
      real("--finetune-lr-scale", "finetune_lr_scale",
           "Learning rate of the fine-tuned blocks relative to --lr", 1e-12, 100,
           [](TrainOptions& o) { return Field(&o.finetune_lr_scale); }),
      train_command_only(integer("--patience", "patience",
                                 "Early stopping: epochs without a better validation loss (0: off)",
                                 0, 1'000'000, [](TrainOptions& o) { return Field(&o.patience); }),
                         true),
      train_command_only(
          integer("--checkpoint-every", "checkpoint_every", "Epochs between checkpoints", 1,
                  1'000'000, [](TrainOptions& o) { return Field(&o.checkpoint_every); }),
          false),
  };
}

std::vector<NumericTrainOption> make_table() {
  std::vector<NumericTrainOption> table = architecture_options();
  for (auto group : {optimiser_options(), loss_and_run_options()}) table.insert(table.end(), group.begin(), group.end());
  return table;
}

}  // namespace

const std::vector<NumericTrainOption>& numeric_train_options() {
  static const std::vector<NumericTrainOption> table = make_table();
  return table;
}

double train_option_value(const NumericTrainOption& option, const TrainOptions& options) {
  TrainOptions copy =
      options;  // the table's accessors take a mutable struct (the CLI binds to them)
  return std::visit([](auto* p) { return static_cast<double>(*p); }, option.field(copy));
}

nlohmann::json train_options_json(const TrainOptions& options, bool fingerprint_only) {
  nlohmann::json out = nlohmann::json::object();
  TrainOptions copy = options;
  for (const auto& option : numeric_train_options())
    if (!fingerprint_only || option.in_fingerprint)
      std::visit([&](auto* p) { out[option.key] = *p; }, option.field(copy));
  return out;
}

}  // namespace stx
