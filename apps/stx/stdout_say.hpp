// The sink the CLI gives every pipeline run that narrates (stx/pipeline/say.hpp): stdout,
// flushed, so that the setup stands before the progress lines on stderr.
#pragma once

#include <fmt/format.h>

#include <cstdio>

#include "stx/pipeline/say.hpp"

namespace stx::cli {

inline Say stdout_say() {
  return [](const std::string& text) {
    fmt::print("{}", text);
    std::fflush(stdout);
  };
}

}  // namespace stx::cli
