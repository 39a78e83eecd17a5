// `stx`: the command-line face of the SpatialTranscriptomer library. Parses and validates
// the whole command line, runs one subcommand, and maps errors to documented exit codes:
// 0 ok, 1 usage (bad options), 2 bad input (unreadable or malformed data), 3 internal error.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>

#include "commands.hpp"
#include "data_parallel_launch.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"

#ifndef STX_VERSION
#define STX_VERSION "0.0.0"
#endif

namespace {
// Library messages (LibTorch's come with stack traces) are cut to their first line.
std::string first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

// Parses the whole command line, then runs the one subcommand given.
int parse_and_run(CLI::App& app, int argc, char** argv) {
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
    return static_cast<int>(stx::ExitCode::kUsage);
  }
  stx::set_verbosity(verbosity);
  for (const auto& action : actions) {
    const int rc = action();
    if (rc >= 0) return rc;
  }
  return static_cast<int>(stx::ExitCode::kUsage);
}

// Every error ends here as one line and a documented exit code, never std::terminate.
int run_stx(int argc, char** argv) {
  using stx::ExitCode;
  CLI::App app{"stx: learn and predict spatial pathway activity and gene expression from H&E"};
  app.set_version_flag("--version", std::string("stx ") + STX_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global flags (-v, -q) may follow the subcommand
  try {
    return parse_and_run(app, argc, argv);
  } catch (const stx::ConfigError& e) {
    std::cerr << "stx: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kUsage);
  } catch (const stx::Error& e) {
    std::cerr << "stx: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  } catch (const std::filesystem::filesystem_error& e) {
    // a path the system refuses (too long, not a folder, no permission): the input is at fault
    const std::string path = e.path1().empty() ? "a path" : e.path1().string();
    std::cerr << "stx: error: " << path << ": " << e.code().message() << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  } catch (const std::bad_alloc&) {
    std::cerr << "stx: error: out of memory\n";
    return static_cast<int>(ExitCode::kInternal);
  } catch (const std::exception& e) {
    std::cerr << "stx: internal error: " << first_line(e.what()) << "\n";
    return static_cast<int>(ExitCode::kInternal);
  } catch (...) {  // the last resort
    std::cerr << "stx: internal error: an exception of unknown type\n";
    return static_cast<int>(ExitCode::kInternal);
  }
}

}  // namespace

int main(int argc, char** argv) {
  stx::cli::remember_command_line(argc, argv);  // stx train --nproc runs it again as workers
  const int code = run_stx(argc, argv);
  if (code == 0) return 0;
  // After an error, leave without the exit handlers: HDF5 1.10's own (H5_term_library)
  // segfaults closing a file whose write failed (a full disk), which turned a clean one-line
  // error into exit 139. Every output is already closed or removed (RAII, before the catch).
  std::cout.flush();
  std::cerr.flush();
  stx::log()->flush();
  std::_Exit(code);
}
