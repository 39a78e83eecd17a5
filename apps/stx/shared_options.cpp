#include "shared_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "stx/core/name_table.hpp"
#include "stx/histology/encoder.hpp"
#include "stx/histology/tissue.hpp"
#include "stx/io/read_slide.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx::cli {

CLI::Option* add_threads_option(CLI::App* cmd, int& threads) {
  return cmd->add_option("--threads", threads, "Threads (default: all cores)");
}

CLI::Option* add_device_option(CLI::App* cmd, std::string& device, const std::string& who) {
  return cmd->add_option("--device", device, fmt::format("{}{}", who.empty() ? "" : who + ": ", fmt::join(device_names(), ", ")))
      ->check(CLI::IsMember(device_names()))
      ->capture_default_str();
}

CLI::Option* add_format_option(CLI::App* cmd, std::string& format) {
  return cmd->add_option("--format", format, "Input format (default: detected)")
      ->check(CLI::IsMember(input_formats().names()));
}

CLI::Option* add_method_option(CLI::App* cmd, std::string& method, const std::string& description) {
  return cmd->add_option("--method", method, description)
      ->check(CLI::IsMember(score_methods().names()))
      ->capture_default_str();
}

CLI::Option* add_encoder_option(CLI::App* cmd, std::string& encoder, const std::string& description) {
  return cmd->add_option("--encoder", encoder, description)
      ->check(CLI::IsMember(encoder_names()))
      ->capture_default_str();
}

CLI::Option* add_grid_option(CLI::App* cmd, std::string& grid) {
  return cmd->add_option("--grid", grid, fmt::format("Image only: pseudo-spot grid, {}", fmt::join(grid_kinds().names(), " or ")))
      ->check(CLI::IsMember(grid_kinds().names()))
      ->capture_default_str();
}

}  // namespace stx::cli
