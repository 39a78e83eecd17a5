// Subcommands of `stx`. Each registers its options on the CLI11 app, bound to the fields of its
// run struct (stx/pipeline/), and returns the action that calls its run_X function once the
// whole command line has been parsed and validated.
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace stx::cli {

using Action = std::function<int()>;

/// The action of a subcommand whose whole job is `run_x(*run)`: prints describe(result).
template <class Run, class RunFunction>
Action print_result_when_parsed(const CLI::App* cmd, std::shared_ptr<Run> run, RunFunction run_x) {
  return [cmd, run = std::move(run), run_x]() -> int {
    if (!cmd->parsed()) return -1;
    fmt::print("{}", describe(run_x(*run)));
    return 0;
  };
}

Action add_ingest(CLI::App& app);
Action add_score(CLI::App& app);
Action add_encode(CLI::App& app);
Action add_demo(CLI::App& app);
Action add_evaluate(CLI::App& app);
Action add_train(CLI::App& app);
Action add_predict(CLI::App& app);
Action add_domains(CLI::App& app);
Action add_report(CLI::App& app);
Action add_nuclei(CLI::App& app);
Action add_models(CLI::App& app);
Action add_export(CLI::App& app);
Action add_perturb(CLI::App& app);
Action add_explain(CLI::App& app);
Action add_view(CLI::App& app);

/// Registers every subcommand on `app`; returns their actions in order.
std::vector<Action> add_all_subcommands(CLI::App& app);

}  // namespace stx::cli
