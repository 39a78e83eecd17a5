// `stx train <slides>`: the options of run_train (stx/pipeline/train.hpp).
#include <memory>

#include "commands.hpp"
#include "stdout_say.hpp"
#include "shared_options.hpp"
#include "data_parallel_launch.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/pipeline/train.hpp"
#include "training_args.hpp"

namespace stx::cli {

Action add_train(CLI::App& app) {
  auto run = std::make_shared<TrainRun>();
  CLI::App* cmd = app.add_subcommand("train", "Train QuadFlow on slides with H&E and expression");
  add_training_options(cmd, run->training);
  auto& options = run->training.train;
  add_out_folder_option(cmd, run->out, "Run folder (model.pt, config.json, metrics.jsonl, checkpoint.pt)")
      ->capture_default_str();
  cmd->add_option("--val", run->validation, "Slide held out for validation / early stopping");
  add_numeric_train_options(cmd, options, TrainOptionScope::kTrainCommand);
  cmd->add_flag("--resume", options.resume, "Continue from OUT/checkpoint.pt");
  add_force_flag(cmd, run->force, "a finished model in OUT");
  cmd->add_option("--print-every", run->print_every, "Epochs between progress lines")
      ->check(CLI::PositiveNumber)->capture_default_str();
  auto nproc = std::make_shared<int>(1);
  cmd->add_option("--nproc", *nproc,
                  "Train in N processes that share each step's slides and sum their gradients (c10d "
                  "Gloo); --threads is then the total")
      ->check(CLI::Range(1, 64))->capture_default_str();

  return [run, cmd, nproc]() -> int {
    if (!cmd->parsed()) return -1;
    auto& t = run->training.train;
    if (*nproc > 1 && cmd->count("--slides-per-step") == 0) t.slides_per_step = *nproc;
    const auto worker = data_parallel_worker();
    if (*nproc > 1 && !worker) {
      check_train_options([&] {  // refused here once, not by each worker
        TrainOptions o = t;
        o.parallel.world = *nproc;
        return o;
      }());
      return launch_data_parallel(*nproc);
    }
    if (worker) {
      STX_CHECK(worker->world == *nproc, ConfigError, "--nproc {}: this worker was started as one of {}",
                *nproc, worker->world);
      t.parallel = *worker;
    }
    // -q: warnings only, the epochs' progress included
    run->epoch_lines = log()->level() <= spdlog::level::info;
    run->say = stdout_say();
    fmt::print("{}", describe(run_train(*run)));
    return 0;
  };
}

}  // namespace stx::cli
