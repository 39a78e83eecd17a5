// The options every subcommand that reads a slide shares (input, format, side files).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "stx/pipeline/inputs.hpp"

namespace stx::cli {

/// `image_alone`: the command also takes an H&E image without spots (read_slide_or_image).
void add_slide_options(CLI::App* cmd, SlideInput& input, bool image_alone = false);


}  // namespace stx::cli
