// `stx train <slides>`: trains QuadFlow on every given slide (optionally early-stopping on a
// validation slide) and writes OUT/model.pt, OUT/config.json and OUT/metrics.jsonl. An
// interrupted run continues from OUT/checkpoint.pt with --resume.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <set>

#include "commands.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/atomic_file.hpp"
#include "read_options.hpp"
#include "training_args.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct TrainArgs {
  TrainingArgs training;
  std::string out = "stx-model";
  std::string validation;
  bool force = false;
  int64_t print_every = 10;
};
}  // namespace

Action add_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train QuadFlow on slides with H&E and expression");
  add_training_options(cmd, args->training);
  auto& options = args->training.train;
  cmd->add_option("-o,--out", args->out, "Run folder (model.pt, config.json, metrics.jsonl, checkpoint.pt)")
      ->capture_default_str();
  cmd->add_option("--val", args->validation, "Slide held out for validation / early stopping");
  cmd->add_option("--patience", options.patience, "Early stopping: epochs without a better validation loss (0: off)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--checkpoint-every", options.checkpoint_every, "Epochs between checkpoints")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_flag("--resume", options.resume, "Continue from OUT/checkpoint.pt");
  cmd->add_flag("--force", args->force, "Overwrite a finished model in OUT");
  cmd->add_option("--print-every", args->print_every, "Epochs between progress lines")
      ->check(CLI::PositiveNumber)->capture_default_str();

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    auto& t = args->training.train;
    const auto reads = resolve_training_args(args->training);
    const fs::path model_path = fs::path(args->out) / "model.pt";
    STX_CHECK(args->force || t.resume || !fs::exists(model_path), ConfigError,
              "{}: already exists (pass --force to retrain, or --resume)", model_path.string());
    make_output_folder(args->out);
    t.run_dir = args->out;
    if (!t.resume) {
      std::error_code ignored;
      fs::remove(fs::path(args->out) / "checkpoint.pt", ignored);
    }
    Dataset data = prepare_dataset(reads, args->training.data);
    apply_groups(args->training, data);
    std::vector<SlideData> train;
    const SlideData* validation = nullptr;
    for (const auto& s : data.slides) {
      if (s.name == args->validation) validation = &s;
      else train.push_back(s);
    }
    STX_CHECK(args->validation.empty() || validation, ConfigError,
              "--val '{}': no such slide among the inputs", args->validation);
    print_training_setup(args->training, data);
    if (validation) fmt::print("  validate  = {} (not trained on)\n", validation->name);
    std::fflush(stdout);  // the setup before the progress lines on stderr

    data.metadata.version = STX_VERSION;
    // Ensemble members may train side by side: each line names its member.
    std::set<int64_t> announced = {1};
    const TrainedModel model = train_quadflow(
        train, validation, data.metadata, t, [&](const EpochReport& r) {
          if (announced.insert(r.member).second)
            fmt::print(stderr, "  model {}/{} (seed {})\n", r.member, r.members, t.seed + r.member - 1);
          if (r.epoch % args->print_every != 0 && r.epoch != r.epochs) return;
          fmt::print(stderr, "  epoch {:>4}/{}  loss {:.4f}  gene r {:.3f}  pathway r {:.3f}{}  {:.1f} s, ETA {:.0f} s{}\n",
                     r.epoch, r.epochs, r.train_loss, r.gene_r, r.pathway_r,
                     std::isnan(r.val_loss) ? std::string() : fmt::format("  val loss {:.4f}", r.val_loss),
                     r.seconds, r.eta_seconds,
                     r.members > 1 ? fmt::format("  (model {})", r.member) : std::string());
        });
    model.save(model_path.string());
    nlohmann::json config = {{"version", STX_VERSION},
                             {"slides", model.metadata().training_slides},
                             {"validation", args->validation},
                             {"model", model.metadata().model},
                             {"loss", t.loss},
                             {"epochs", t.epochs},
                             {"learning_rate", t.learning_rate},
                             {"weight_decay", t.weight_decay},
                             {"crop_spots", t.crop_spots},
                             {"seed", t.seed},
                             {"ensemble", t.ensemble},
                             {"finetune_blocks", t.finetune_blocks},
                             {"finetune_lr_scale", t.finetune_lr_scale},
                             {"threads", t.threads},
                             {"device", t.device},
                             {"encoder", model.metadata().encoder_identity},
                             {"score_method", model.metadata().score_method},
                             {"genes", model.metadata().genes.size()}};
    write_text_atomically((fs::path(args->out) / "config.json").string(), config.dump(2) + "\n");
    fmt::print("Wrote {} (and config.json, metrics.jsonl)\n", model_path.string());
    return 0;
  };
}

}  // namespace stx::cli
