#include "stx/pipeline/train.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <set>

#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/train/train_option_table.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

// config.json: every numeric option from the one table (train_option_table.hpp), then the rest.
std::string config_json(const TrainRun& run, const ModelMetadata& m) {
  const TrainOptions& t = run.training.train;
  nlohmann::json config = train_options_json(t);
  config.update({{"version", STX_VERSION},
                 {"slides", m.training_slides},
                 {"validation", run.validation},
                 {"model", m.model},
                 {"loss", t.loss},
                 {"seed", t.seed},
                 {"threads", t.threads},
                 {"device", t.device},
                 {"encoder", m.encoder_identity},
                 {"score_method", m.score_method},
                 {"score_max_rank", m.score_max_rank},
                 {"score_thin_to", m.score_thin_to},
                 {"gene_target_scale", m.gene_target_scale},
                 {"genes", m.genes.size()}});
  return config.dump(2) + "\n";
}

}  // namespace

TrainResult run_train(TrainRun run) {
  auto& t = run.training.train;
  const auto reads = resolve_training_inputs(run.training);
  const fs::path model_path = fs::path(run.out) / "model.pt";
  STX_CHECK(run.force || t.resume || !fs::exists(model_path), ConfigError,
            "{}: already exists (pass --force to retrain, or --resume)", model_path.string());
  make_output_folder(run.out);
  t.run_dir = run.out;
  if (!t.resume) {
    std::error_code ignored;
    fs::remove(fs::path(run.out) / "checkpoint.pt", ignored);
  }
  Dataset data = prepare_dataset(reads, run.training.data);
  apply_groups(run.training, data);
  std::vector<SlideData> train;
  const SlideData* validation = nullptr;
  for (const auto& s : data.slides) {
    if (s.name() == run.validation) validation = &s;
    else train.push_back(s);
  }
  STX_CHECK(run.validation.empty() || validation, ConfigError,
            "--val '{}': no such slide among the inputs", run.validation);
  tell(run.say, describe_training_setup(run.training, data) +
                    (validation ? fmt::format("  validate  = {} (not trained on)\n", validation->name()) : ""));

  data.metadata.version = STX_VERSION;
  // Ensemble members may train side by side: each line names its member.
  std::set<int64_t> announced = {1};
  const TrainedModel model = train_quadflow(
      train, validation, data.metadata, t, [&](const EpochReport& r) {
        if (!run.epoch_lines) return;
        if (announced.insert(r.member).second)
          fmt::print(stderr, "  model {}/{} (seed {})\n", r.member, r.members, t.seed + r.member - 1);
        if (r.epoch % run.print_every != 0 && r.epoch != r.epochs) return;
        fmt::print(stderr, "  epoch {:>4}/{}  loss {:.4f}  gene r {:.3f}  pathway r {:.3f}{}  {:.1f} s, ETA {:.0f} s{}\n",
                   r.epoch, r.epochs, r.train_loss, r.gene_r, r.pathway_r,
                   std::isnan(r.val_loss) ? std::string() : fmt::format("  val loss {:.4f}", r.val_loss),
                   r.seconds, r.eta_seconds,
                   r.members > 1 ? fmt::format("  (model {})", r.member) : std::string());
      });
  if (t.parallel.rank != 0) return {};  // data-parallel: rank 0 writes what the run made
  StagedFiles outputs;  // the model and its config.json appear together, or neither does
  model.save(model_path.string(), outputs);
  outputs.write((fs::path(run.out) / "config.json").string(), config_json(run, model.metadata()));
  outputs.commit();
  return {model_path.string()};
}

std::string describe(const TrainResult& r) {
  return r.model.empty() ? std::string() : fmt::format("Wrote {} (and config.json, metrics.jsonl)\n", r.model);
}

}  // namespace stx
