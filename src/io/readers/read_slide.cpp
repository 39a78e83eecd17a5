// Format detection from structure, dispatch to the reader, and the checks every Slide gets
// whatever its source: consistent shapes, spot ids unique, coordinates inside the image.
#include "stx/io/readers/read_slide.hpp"

#include <hdf5.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "stx/io/hdf5/hdf5_file.hpp"
#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/io/files/crash_guard.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {


void check_unique_spot_ids(const Slide& slide) {
  std::unordered_set<std::string> seen;
  for (const auto& id : slide.spot_ids)
    STX_CHECK(seen.insert(id).second, FormatError, "{}: duplicate spot id '{}'",
              slide.source_path, id);
}

// Gene names that appear more than once (two Ensembl ids of one symbol in a 10x matrix, a
// table's repeated column) are summed into the first column of that name, so that a gene set
// counts all of the gene once, and a note names them: the first column had won without a word.
void sum_duplicate_genes(Slide& slide) {
  std::unordered_map<std::string, int32_t> first;
  std::vector<int32_t> merged_column(slide.gene_symbols.size());
  std::vector<std::string> names, ids, repeated;
  for (size_t g = 0; g < slide.gene_symbols.size(); ++g) {
    const auto [at, is_new] = first.emplace(slide.gene_symbols[g], static_cast<int32_t>(names.size()));
    merged_column[g] = at->second;
    if (is_new) {
      names.push_back(slide.gene_symbols[g]);
      if (!slide.gene_ids.empty()) ids.push_back(slide.gene_ids[g]);
    } else if (std::find(repeated.begin(), repeated.end(), slide.gene_symbols[g]) == repeated.end()) {
      repeated.push_back(slide.gene_symbols[g]);
    }
  }
  if (repeated.empty()) return;
  CsrMatrix merged;
  merged.n_cols = static_cast<int64_t>(names.size());
  std::vector<std::pair<int32_t, float>> row;
  std::vector<int32_t> cols;
  std::vector<float> values;
  for (int64_t i = 0; i < slide.counts.n_rows; ++i) {
    row.clear();
    for (int64_t k = slide.counts.indptr[i]; k < slide.counts.indptr[i + 1]; ++k)
      row.emplace_back(merged_column[static_cast<size_t>(slide.counts.indices[k])], slide.counts.data[k]);
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    cols.clear();
    values.clear();
    for (const auto& [column, value] : row) {
      if (!cols.empty() && cols.back() == column) {
        values.back() += value;
      } else {
        cols.push_back(column);
        values.push_back(value);
      }
    }
    merged.append_row(cols, values);
  }
  const size_t shown = std::min<size_t>(repeated.size(), 5);
  slide.notes.push_back(fmt::format("{} gene name(s) appear more than once ({}{}): their counts are summed into one "
                                    "column each",
                                    repeated.size(), fmt::join(repeated.begin(), repeated.begin() + static_cast<long>(shown), ", "),
                                    repeated.size() > shown ? ", ..." : ""));
  slide.counts = std::move(merged);
  slide.gene_symbols = std::move(names);
  if (!slide.gene_ids.empty()) slide.gene_ids = std::move(ids);
}

// What every reader's output must hold, whatever the format: spots and genes, finite
// coordinates, counts that are finite, non-negative and not all zero, a plausible scale.
void check_values(const Slide& slide) {
  const std::string& path = slide.source_path;
  STX_CHECK(slide.n_spots() > 0, FormatError, "{}: no spots", path);
  STX_CHECK(slide.n_genes() > 0, FormatError, "{}: no genes", path);
  for (int64_t i = 0; i < static_cast<int64_t>(slide.pixel_x.size()); ++i)
    STX_CHECK(std::isfinite(slide.pixel_x[i]) && std::isfinite(slide.pixel_y[i]), FormatError,
              "{}: spot '{}' has coordinates ({}, {}); expected finite pixels", path, slide.spot_ids[i],
              slide.pixel_x[i], slide.pixel_y[i]);
  double total = 0;
  for (float v : slide.counts.data) {
    STX_CHECK(std::isfinite(v) && v >= 0, FormatError,
              "{}: a count of {}; expected non-negative finite counts (over 3.4e38 overflows float32)", path, v);
    total += v;
  }
  STX_CHECK(total > 0, FormatError, "{}: every count is zero", path);
  STX_CHECK(std::isnan(slide.um_per_px) || plausible_um_per_px(slide.um_per_px),
            FormatError, "{}: {} µm per pixel; expected {} to {} (pass --um-per-px)", path, slide.um_per_px,
            kMinUmPerPx, kMaxUmPerPx);
}

}  // namespace

void check_inside_image(const Slide& slide, const std::string& source) {
  if (!slide.image || !slide.has_coordinates()) return;
  const double w = static_cast<double>(slide.image->width());
  const double h = static_cast<double>(slide.image->height());
  int64_t outside = 0, first = -1;
  for (int64_t i = 0; i < slide.n_spots(); ++i) {
    const double x = slide.pixel_x[i], y = slide.pixel_y[i];
    if (!(x >= 0 && x < w && y >= 0 && y < h)) {
      ++outside;
      if (first < 0) first = i;
    }
  }
  STX_CHECK(outside == 0, FormatError,
            "{}: {} of {} spots lie outside the image {} ({} x {} px), e.g. '{}' at x={}, y={}: "
            "wrong image, or coordinates at another scale?",
            source, outside, slide.n_spots(), slide.image->path(),
            slide.image->width(), slide.image->height(), slide.spot_ids[first],
            slide.pixel_x[first], slide.pixel_y[first]);
}

const NameTable<InputFormat>& input_formats() {
  static const NameTable<InputFormat> table("--format", "format",
                                            {{InputFormat::kAuto, "auto"},
                                             {InputFormat::kLegacySt, "legacy-st"},
                                             {InputFormat::kSpaceRanger, "spaceranger"},
                                             {InputFormat::kH5ad, "h5ad"},
                                             {InputFormat::kTenxH5, "10x-h5"},
                                             {InputFormat::kXenium, "xenium"}});
  return table;
}

InputFormat parse_input_format(const std::string& name) { return input_formats().parse(name); }

std::string to_string(InputFormat format) { return input_formats().name(format); }

InputFormat detect_format(const std::string& path) {
  const fs::path p(path);
  STX_CHECK(fs::exists(p), IoError, "{}: no such file or directory", path);
  if (fs::is_directory(p)) {
    if (looks_like_xenium(path)) return InputFormat::kXenium;
    if (fs::exists(p / "filtered_feature_bc_matrix.h5") ||
        fs::is_directory(p / "filtered_feature_bc_matrix") || fs::is_directory(p / "spatial") ||
        fs::is_directory(p / "binned_outputs"))
      return InputFormat::kSpaceRanger;
    if (fs::is_directory(p / "counts") && fs::is_directory(p / "spots"))
      return InputFormat::kLegacySt;
    throw FormatError(fmt::format(
        "{}: unrecognised folder: expected a Space Ranger output (filtered_feature_bc_matrix.h5 "
        "or filtered_feature_bc_matrix/, spatial/), a Xenium output (cell_feature_matrix.h5, cells.parquet) "
        "or a legacy ST dataset (counts/, spots/)",
        path));
  }
  if (H5Fis_hdf5(path.c_str()) > 0) {
    const auto is_anndata = [&] {
      const h5::File f = h5::File::open_read(path);
      return f.has_attribute("/", "encoding-type") || (f.exists("/obs") && f.exists("/var"));
    };
    refuse_if_reading_crashes(path, "HDF5", is_anndata);
    return is_anndata() ? InputFormat::kH5ad : InputFormat::kTenxH5;
  }
  if (ends_with(path, ".h5ad") || ends_with(path, ".h5"))
    throw FormatError(fmt::format("{}: not an HDF5 file (truncated or corrupt?)", path));
  for (const char* suffix : {".tsv", ".tsv.gz", ".txt", ".txt.gz"})
    if (ends_with(path, suffix)) return InputFormat::kLegacySt;
  throw FormatError(fmt::format(
      "{}: unrecognised file: expected .h5ad, a 10x .h5 matrix, or a legacy ST counts table "
      "(.tsv/.tsv.gz); name the format with --format",
      path));
}

Slide read_slide(const ReadOptions& options) {
  STX_CHECK(!options.input.empty(), ConfigError, "no input given");
  const InputFormat format =
      options.format == InputFormat::kAuto ? detect_format(options.input) : options.format;
  Slide slide;
  switch (format) {
    case InputFormat::kLegacySt: slide = read_legacy_st(options); break;
    case InputFormat::kSpaceRanger: slide = read_spaceranger(options); break;
    case InputFormat::kH5ad: slide = read_h5ad(options); break;
    case InputFormat::kTenxH5: slide = read_tenx_h5(options); break;
    case InputFormat::kXenium: slide = read_xenium(options); break;
    case InputFormat::kAuto: break;
  }
  if (!std::isnan(options.um_per_px)) {
    STX_CHECK(plausible_um_per_px(options.um_per_px), ConfigError,
              "--um-per-px: expected {} to {}, found {}", kMinUmPerPx, kMaxUmPerPx, options.um_per_px);
    slide.um_per_px = options.um_per_px;
  }
  if (!options.labels_path.empty()) attach_labels(slide, options.labels_path);
  STX_CHECK(!options.require_image || slide.image, IoError,
            "{}: no H&E image found; a dataset folder holds a section's as images/SECTION.jpg (.jpeg, .png, .tif, "
            ".tiff), and ingest, encode, score, domains and predict also take --image",
            options.input);
  slide.validate();
  check_values(slide);
  check_unique_spot_ids(slide);
  check_inside_image(slide, slide.source_path);
  sum_duplicate_genes(slide);
  return slide;
}

}  // namespace stx
