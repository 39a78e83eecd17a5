// The options every subcommand that reads a slide shares (input, format, side files).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "stx/io/read_slide.hpp"

namespace stx::cli {

struct SlideArgs {
  ReadOptions read;
  std::string format = "auto";
};

void add_slide_options(CLI::App* cmd, SlideArgs& args);

/// Refuses an existing output without --force and a missing output folder, before any work.
void check_output_path(const std::string& output, bool force);

}  // namespace stx::cli
