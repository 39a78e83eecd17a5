// Where each reader finds its files: explicit options first, then the layouts the public
// datasets use. Errors list every place that was looked at.
#pragma once

#include <string>
#include <vector>

#include "stx/io/readers/read_slide.hpp"

namespace stx {

/// The first existing path among `candidates`, or "" if none exists.
std::string first_existing(const std::vector<std::string>& candidates);

struct LegacyStPaths {
  std::string section;  // e.g. "C2"
  std::string counts;
  std::string spots;
  std::string image;    // "" when there is none
  std::string labels;   // pathologist labels found by convention, or ""
};

/// options.input is a counts file (<S>.tsv[.gz]) or a dataset root holding counts/, spots/
/// and optionally images/ (then options.section picks the section).
LegacyStPaths resolve_legacy_st_paths(const ReadOptions& options);

}  // namespace stx
