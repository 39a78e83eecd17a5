// `stx demo`: the options of run_demo (stx/pipeline/demo.hpp).
#include <memory>

#include "commands.hpp"
#include "stdout_say.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/demo.hpp"

#ifndef STX_DEMO_DIR
#define STX_DEMO_DIR "demo"
#endif

namespace stx::cli {

Action add_demo(CLI::App& app) {
  auto run = std::make_shared<DemoRun>();
  run->data = STX_DEMO_DIR;
  CLI::App* cmd = app.add_subcommand("demo", "Run the pipeline on the bundled HER2ST demo data");
  cmd->add_option("--data", run->data, "Demo data folder (holds her2st/)")->capture_default_str();
  cmd->add_option("--out", run->out, "Output folder")->capture_default_str();
  add_threads_option(cmd, run->threads);
  cmd->add_option("--ensemble", run->ensemble, "Models averaged in steps 2 and 3 (1: the fastest run)")
      ->check(CLI::Range(1, 100))->capture_default_str();

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run->say = stdout_say();
    run_demo(*run);
    return 0;
  };
}

}  // namespace stx::cli
