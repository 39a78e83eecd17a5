// Creates the stderr logger lazily so that library users who never log pay nothing.
#include "stx/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace stx {

std::shared_ptr<spdlog::logger> log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created = spdlog::stderr_color_mt("stx");
    created->set_pattern("%^[%l]%$ %v");
    created->set_level(spdlog::level::info);
    return created;
  }();
  return logger;
}

void set_verbosity(int verbosity) {
  const auto level = verbosity <= 0   ? spdlog::level::warn
                     : verbosity == 1 ? spdlog::level::info
                                      : spdlog::level::debug;
  log()->set_level(level);
}

}  // namespace stx
