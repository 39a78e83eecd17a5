#include <algorithm>

#include "commands.hpp"
#include "stx/core/error.hpp"

namespace stx::cli {

std::vector<Action> add_all_subcommands(CLI::App& app) {
  return {add_ingest(app),   add_score(app),   add_encode(app),
          add_train(app),    add_predict(app), add_domains(app),
          add_report(app),   add_evaluate(app), add_demo(app)};
}

int run_subcommand(const std::vector<std::string>& args) {
  CLI::App app{"stx"};
  app.require_subcommand(1);
  const std::vector<Action> actions = add_all_subcommands(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    throw ConfigError(fmt::format("stx {}: {}", args.empty() ? "" : args.front(), e.what()));
  }
  for (const auto& action : actions) {
    const int rc = action();
    if (rc >= 0) return rc;
  }
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace stx::cli
