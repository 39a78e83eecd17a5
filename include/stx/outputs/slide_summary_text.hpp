// Printing what was read: aligned `name = value` lines for people, JSON for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "stx/io/slide/slide.hpp"

namespace stx {

std::string format_summary(const Slide& slide, const SlideSummary& summary);
nlohmann::json summary_json(const Slide& slide, const SlideSummary& summary);

}  // namespace stx
