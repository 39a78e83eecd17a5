// The library's one logger: spdlog, writing to stderr only (stdout belongs to the CLI's
// results). Verbosity is set once by the application; the library never configures it.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace stx {

/// The shared "stx" logger (created on first use, stderr, colour when it is a terminal).
std::shared_ptr<spdlog::logger> log();

/// Sets the level for the whole process: 0 = warnings only, 1 = info (default), 2 = debug.
void set_verbosity(int verbosity);

}  // namespace stx
