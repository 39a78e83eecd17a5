// `stx`: the command-line face of the SpatialTranscriptomer library. Parses and validates
// the whole command line, runs one subcommand, and maps errors to documented exit codes:
// 0 ok, 1 usage (bad options), 2 bad input (unreadable or malformed data), 3 internal error.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"

#ifndef STX_VERSION
#define STX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using stx::ExitCode;
  CLI::App app{"stx: learn and predict spatial pathway activity and gene expression from H&E"};
  app.set_version_flag("--version", std::string("stx ") + STX_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global flags (-v, -q) may follow the subcommand
  int verbosity = 1;
  app.add_flag_function(
      "-v,--verbose", [&](int64_t n) { verbosity = 1 + static_cast<int>(n); }, "More logging");
  app.add_flag_function("-q,--quiet", [&](int64_t) { verbosity = 0; }, "Warnings only");

  const std::vector<stx::cli::Action> actions = stx::cli::add_all_subcommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "stx: " << e.what() << " (see stx --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  stx::set_verbosity(verbosity);

  try {
    for (const auto& action : actions) {
      const int rc = action();
      if (rc >= 0) return rc;
    }
    return static_cast<int>(ExitCode::kUsage);
  } catch (const stx::ConfigError& e) {
    std::cerr << "stx: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kUsage);
  } catch (const stx::Error& e) {
    std::cerr << "stx: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  } catch (const std::exception& e) {
    std::cerr << "stx: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kInternal);
  }
}
