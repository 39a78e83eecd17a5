// The one exception family of SpatialTranscriptomer, and the checks that raise it.
// Every message names the file (or option), the field, what was expected and what was found,
// so the CLI can print it as one line. Checks stay on in Release builds (never assert()).
// The CLI maps the families to exit codes: ConfigError -> 1, IoError/FormatError/ShapeError
// -> 2, anything else -> 3 (see apps/stx/main.cpp).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace stx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file or directory that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A file whose content is not what its format requires (truncated, malformed, bad values).
class FormatError : public Error {
 public:
  using Error::Error;
};

/// A bad option or combination of options: the user's command line, not their data.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// Arrays whose sizes disagree (a programming or data-assembly error).
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// Documented process exit codes of `stx`.
enum class ExitCode : int { kOk = 0, kUsage = 1, kBadInput = 2, kInternal = 3 };

}  // namespace stx

/// STX_CHECK(cond, FormatError, "{}: column '{}' missing", path, name) throws when cond is false.
#define STX_CHECK(cond, ErrorType, ...)                     \
  do {                                                      \
    if (!(cond)) throw ::stx::ErrorType(fmt::format(__VA_ARGS__)); \
  } while (0)
