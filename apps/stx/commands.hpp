// Subcommands of `stx`. Each registers its options on the CLI11 app and returns the action
// to run after the whole command line has been parsed and validated.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace stx::cli {

using Action = std::function<int()>;

Action add_ingest(CLI::App& app);
Action add_score(CLI::App& app);
Action add_encode(CLI::App& app);
Action add_demo(CLI::App& app);
Action add_evaluate(CLI::App& app);
Action add_train(CLI::App& app);
Action add_predict(CLI::App& app);
Action add_domains(CLI::App& app);
Action add_report(CLI::App& app);

/// Registers every subcommand on `app`; returns their actions in order.
std::vector<Action> add_all_subcommands(CLI::App& app);

/// Runs one subcommand in-process, as if `stx ARGS...` had been typed (what `stx demo` chains).
/// Errors propagate as exceptions; returns the subcommand's exit code.
int run_subcommand(const std::vector<std::string>& args);

}  // namespace stx::cli
