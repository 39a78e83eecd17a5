// Subcommands of `stx`. Each registers its options on the CLI11 app, bound to the fields of its
// run struct (stx/pipeline/), and returns the action that calls its run_X function once the
// whole command line has been parsed and validated.
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
Action add_nuclei(CLI::App& app);
Action add_models(CLI::App& app);
Action add_export(CLI::App& app);

/// Registers every subcommand on `app`; returns their actions in order.
std::vector<Action> add_all_subcommands(CLI::App& app);

}  // namespace stx::cli
