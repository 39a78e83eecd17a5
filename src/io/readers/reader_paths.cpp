// Path conventions of the supported layouts.
#include "reader_paths.hpp"

#include <algorithm>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kImageExtensions = {".jpg", ".jpeg", ".png", ".tif", ".tiff"};

std::string strip_counts_suffix(std::string name) {
  for (const std::string suffix : {".gz", ".tsv", ".txt"}) {
    if (name.size() > suffix.size() && ends_with(name, suffix)) {
      name.resize(name.size() - suffix.size());
    }
  }
  return name;
}

std::vector<std::string> sections_in(const fs::path& counts_dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(counts_dir))
    names.push_back(strip_counts_suffix(entry.path().filename().string()));
  std::sort(names.begin(), names.end());
  return names;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string first_existing(const std::vector<std::string>& candidates) {
  for (const auto& c : candidates)
    if (fs::exists(c)) return c;
  return "";
}

LegacyStPaths resolve_legacy_st_paths(const ReadOptions& options) {
  LegacyStPaths paths;
  fs::path counts_dir;
  if (fs::is_directory(options.input)) {
    counts_dir = fs::path(options.input) / "counts";
    STX_CHECK(fs::is_directory(counts_dir), FormatError,
              "{}: a legacy ST dataset folder needs a counts/ subfolder", options.input);
    const auto available = sections_in(counts_dir);
    STX_CHECK(!options.section.empty(), ConfigError,
              "{}: holds several sections; choose one with --section (one of: {})",
              options.input, join(available));
    paths.section = options.section;
    paths.counts = first_existing({(counts_dir / (paths.section + ".tsv.gz")).string(),
                                   (counts_dir / (paths.section + ".tsv")).string()});
    STX_CHECK(!paths.counts.empty(), ConfigError,
              "{}: no section '{}' in counts/ (one of: {})", options.input, paths.section,
              join(available));
  } else {
    STX_CHECK(fs::is_regular_file(options.input), IoError, "{}: file not found", options.input);
    paths.counts = options.input;
    counts_dir = fs::path(options.input).parent_path();
    paths.section = options.section.empty()
                        ? strip_counts_suffix(fs::path(options.input).filename().string())
                        : options.section;
  }
  const fs::path root = counts_dir.parent_path();
  const std::string& s = paths.section;

  if (!options.spots_path.empty()) {
    STX_CHECK(fs::is_regular_file(options.spots_path), IoError, "{}: spot table not found",
              options.spots_path);
    paths.spots = options.spots_path;
  } else {
    const std::vector<std::string> looked = {
        (root / "spots" / (s + "_selection.tsv")).string(),
        (counts_dir / (s + "_selection.tsv")).string(),
        (root / "spots" / (s + "_selection.tsv.gz")).string()};
    paths.spots = first_existing(looked);
    STX_CHECK(!paths.spots.empty(), IoError,
              "{}: no spot selection table found for section '{}' (looked for {}); pass --spots",
              paths.counts, s, join(looked));
  }

  if (!options.image_path.empty()) {
    STX_CHECK(fs::is_regular_file(options.image_path), IoError, "{}: image file not found",
              options.image_path);
    paths.image = options.image_path;
  } else {
    std::vector<std::string> looked;
    for (const auto& ext : kImageExtensions) {
      looked.push_back((root / "images" / (s + ext)).string());
      looked.push_back((counts_dir / (s + ext)).string());
    }
    paths.image = first_existing(looked);
  }
  if (options.labels_path.empty())
    paths.labels = first_existing({(root / "pathologist_labels" / (s + "_labeled_coordinates.tsv")).string()});
  return paths;
}

}  // namespace stx
