// A Xenium output bundle as the instrument writes it (Xenium Onboard Analysis, Xenium Ranger):
//  - cell_feature_matrix.h5 (or the cell_feature_matrix/ MatrixMarket folder): a 10x matrix of
//    cells; "Gene Expression" is kept, the control probes and codewords are dropped and
//    counted by type;
//  - cells.parquet (or the older cells.csv.gz): cell_id, x_centroid, y_centroid in µm;
//  - experiment.xenium (JSON): pixel_size, the morphology image's µm per pixel, and the panel.
// Cells are joined to the matrix by cell_id. Coordinates are morphology-image pixels
// (µm / pixel_size), so µm/px is pixel_size; with a post-Xenium H&E (--image) and its
// alignment (--alignment, he_alignment.hpp) they are that H&E's pixels instead.
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/io/readers/he_alignment.hpp"
#include "stx/io/image/image.hpp"
#include "stx/io/parquet/parquet.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "tenx_matrix.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

struct Experiment {
  double pixel_size = kUnknown;
  std::map<std::string, std::string> uns;  // what the h5ad keeps of the run
};

Experiment read_experiment(const std::string& path) {
  std::ifstream in(path);
  STX_CHECK(in.good(), IoError, "{}: not found; a Xenium bundle has experiment.xenium (its pixel_size)", path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: not JSON ({})", path, e.what()));
  }
  STX_CHECK(j.is_object() && j.contains("pixel_size") && j["pixel_size"].is_number(), FormatError,
            "{}: field pixel_size: expected the morphology image's µm per pixel (a number)", path);
  Experiment e;
  e.pixel_size = j["pixel_size"].get<double>();
  STX_CHECK(plausible_um_per_px(e.pixel_size), FormatError, "{}: field pixel_size: {} µm per pixel, expected {} to {}",
            path, e.pixel_size, kMinUmPerPx, kMaxUmPerPx);
  e.uns["xenium/pixel_size"] = fmt::format("{}", e.pixel_size);
  for (const char* key : {"panel_name", "panel_organism", "region_name", "analysis_sw_version", "run_name"})
    if (j.contains(key) && j[key].is_string()) e.uns[std::string("xenium/") + key] = j[key].get<std::string>();
  return e;
}

using Centroids = std::unordered_map<std::string, std::pair<double, double>>;

// A Xenium slide is at most 75 x 25 mm: a centroid past 10 cm is damage, not tissue (1e300 µm
// had been accepted, and overflowed the pixel coordinates downstream).
constexpr double kMaxCentroidUm = 1e5;

bool plausible_centroid(double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && std::abs(x) <= kMaxCentroidUm && std::abs(y) <= kMaxCentroidUm;
}

// cell_id -> (x, y) in µm, from cells.parquet.
Centroids read_parquet_centroids(const std::string& path) {
  const ParquetTable cells = read_parquet(path, {"cell_id", "x_centroid", "y_centroid"});
  const ParquetColumn &id = cells.column("cell_id"), &x = cells.column("x_centroid"), &y = cells.column("y_centroid");
  STX_CHECK(id.type == ParquetType::ByteArray && x.type == ParquetType::Double && y.type == ParquetType::Double,
            FormatError, "{}: expected cell_id as strings and x_centroid, y_centroid as doubles (µm)", path);
  std::unordered_map<std::string, std::pair<double, double>> centroids;
  for (int64_t i = 0; i < cells.rows; ++i) {
    STX_CHECK(id.valid[i] && x.valid[i] && y.valid[i], FormatError, "{}: row {}: a cell without an id or a centroid",
              path, i);
    STX_CHECK(plausible_centroid(x.reals[i], y.reals[i]), FormatError,
              "{}: row {}: x_centroid, y_centroid ({}, {}) µm; expected finite values within ±{:g} µm", path, i,
              x.reals[i], y.reals[i], kMaxCentroidUm);
    STX_CHECK(centroids.emplace(id.strings[i], std::make_pair(x.reals[i], y.reals[i])).second, FormatError,
              "{}: cell_id '{}' appears twice", path, id.strings[i]);
  }
  return centroids;
}

std::string_view unquoted(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// The same from cells.csv.gz (Xenium Onboard Analysis 1.x; fields may be double-quoted).
Centroids read_csv_centroids(const std::string& path) {
  TextLines lines(path);
  std::string line;
  STX_CHECK(lines.next(line), FormatError, "{}: empty; expected a header with cell_id, x_centroid, y_centroid", path);
  std::vector<std::string_view> header;
  for (auto f : split_fields(line, ',')) header.push_back(unquoted(f));
  const std::vector<std::string> names(header.begin(), header.end());  // `line` is reused below
  const std::vector<std::string_view> columns(names.begin(), names.end());
  const size_t id = require_column(columns, "cell_id", lines), x = require_column(columns, "x_centroid", lines),
               y = require_column(columns, "y_centroid", lines);
  Centroids centroids;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, ',');
    STX_CHECK(f.size() == columns.size(), FormatError, "{}: line {}: {} fields, the header has {}", path,
              lines.line_number(), f.size(), columns.size());
    const double cx = parse_double(unquoted(f[x]), lines, "x_centroid"), cy = parse_double(unquoted(f[y]), lines, "y_centroid");
    STX_CHECK(plausible_centroid(cx, cy), FormatError,
              "{}: line {}: x_centroid, y_centroid ({}, {}) µm; expected finite values within ±{:g} µm", path,
              lines.line_number(), cx, cy, kMaxCentroidUm);
    const std::string name(unquoted(f[id]));
    STX_CHECK(centroids.emplace(name, std::make_pair(cx, cy)).second, FormatError, "{}: line {}: cell_id '{}' appears twice",
              path, lines.line_number(), name);
  }
  return centroids;
}

// µm -> the pixels the slide's coordinates are in: the morphology image's, or a registered H&E's.
struct Placement {
  Affine2D um_to_px;
  double um_per_px;
};

Placement place_cells(const ReadOptions& options, const Experiment& experiment, Slide& slide) {
  STX_CHECK(options.image_path.empty() == options.alignment_path.empty(), ConfigError,
            "{}: {}", options.input,
            options.image_path.empty()
                ? "--alignment needs the H&E it aligns (--image)"
                : "--image needs its alignment to the cells (--alignment: Xenium Explorer's *_he_imagealignment.csv "
                  "or its keypoints)");
  if (options.image_path.empty()) {
    const double s = 1.0 / experiment.pixel_size;
    return {Affine2D{s, 0, 0, 0, s, 0}, experiment.pixel_size};
  }
  const HeAlignment alignment = read_he_alignment(options.alignment_path, experiment.pixel_size);
  slide.image = open_image(options.image_path, 1.0, options.max_image_pixels);
  const double um_per_px = std::sqrt(std::abs(alignment.he_px_to_um.determinant()));
  STX_CHECK(plausible_um_per_px(um_per_px), FormatError, "{}: the alignment gives the H&E {} µm per pixel ({} to {} expected)",
            options.alignment_path, um_per_px, kMinUmPerPx, kMaxUmPerPx);
  slide.uns_strings["xenium/he_alignment"] = options.alignment_path;
  slide.notes.push_back(alignment.kind == "matrix"
                            ? fmt::format("cells placed on {} by its alignment matrix ({:.4f} µm/px)", options.image_path,
                                          um_per_px)
                            : fmt::format("cells placed on {} by an affine fit to {} keypoints ({:.4f} µm/px, "
                                          "residual {:.2f} µm rms)",
                                          options.image_path, alignment.keypoints, um_per_px, alignment.rms_um));
  return {alignment.he_px_to_um.inverse(), um_per_px};
}

}  // namespace

bool looks_like_xenium(const std::string& dir) {
  const fs::path p(dir);
  return (fs::exists(p / "cell_feature_matrix.h5") || fs::is_directory(p / "cell_feature_matrix")) &&
         (fs::exists(p / "cells.parquet") || fs::exists(p / "experiment.xenium"));
}

Slide read_xenium(const ReadOptions& options) {
  const fs::path dir(options.input);
  TenxMatrix matrix = fs::exists(dir / "cell_feature_matrix.h5")
                          ? read_tenx_h5_matrix((dir / "cell_feature_matrix.h5").string())
                          : read_tenx_mtx_dir((dir / "cell_feature_matrix").string());
  Slide slide;
  slide.name = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  slide.source_format = "xenium";
  slide.source_path = options.input;
  std::map<std::string, int64_t> dropped;
  for (const auto& type : matrix.feature_types)
    if (type != "Gene Expression") ++dropped[type];
  keep_gene_expression(matrix);
  for (const auto& [type, n] : dropped) slide.notes.push_back(fmt::format("{} '{}' features dropped", n, type));

  const Experiment experiment = read_experiment((dir / "experiment.xenium").string());
  for (const auto& [key, value] : experiment.uns) slide.uns_strings[key] = value;
  const bool parquet = fs::exists(dir / "cells.parquet");
  const std::string cells_file = parquet || !fs::exists(dir / "cells.csv.gz") ? "cells.parquet" : "cells.csv.gz";
  const std::string cells_path = (dir / cells_file).string();
  STX_CHECK(fs::exists(cells_path), IoError,
            "{}: not found; a Xenium bundle has cells.parquet or cells.csv.gz (the centroids)", cells_path);
  const Centroids centroids = parquet ? read_parquet_centroids(cells_path) : read_csv_centroids(cells_path);
  const Placement placement = place_cells(options, experiment, slide);

  // the matrix's cells that have a centroid, in the matrix's order
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < static_cast<int64_t>(matrix.barcodes.size()); ++i)
    if (centroids.count(matrix.barcodes[i])) keep.push_back(i);
  const int64_t n_matrix = static_cast<int64_t>(matrix.barcodes.size());
  const int64_t n_cells = static_cast<int64_t>(centroids.size());
  slide.notes.push_back(fmt::format("{} of the {} cells in {} have no matrix row",
                                    n_cells - static_cast<int64_t>(keep.size()), n_cells, cells_file));
  slide.gene_symbols = std::move(matrix.feature_names);
  slide.gene_ids = std::move(matrix.feature_ids);
  slide.um_per_px = placement.um_per_px;
  if (keep.empty()) {
    // nothing to place: the cells as a bare matrix, as the 10x .h5 reader gives them
    slide.notes.push_back(fmt::format("none of the {} matrix cells is in {}: no coordinates", n_matrix, cells_file));
    slide.image.reset();
    slide.spot_ids = std::move(matrix.barcodes);
    slide.counts = std::move(matrix.counts);
    return slide;
  }
  if (static_cast<int64_t>(keep.size()) < n_matrix)
    slide.notes.push_back(fmt::format("{} of the {} matrix cells are not in {}: dropped",
                                      n_matrix - static_cast<int64_t>(keep.size()), n_matrix, cells_file));
  slide.counts = matrix.counts.select_rows(keep);
  slide.spot_diameter_px = kCellDiameterUm / placement.um_per_px;
  for (int64_t i : keep) {
    const auto& [x_um, y_um] = centroids.at(matrix.barcodes[i]);
    slide.spot_ids.push_back(matrix.barcodes[i]);
    slide.pixel_x.push_back(placement.um_to_px.x(x_um, y_um));
    slide.pixel_y.push_back(placement.um_to_px.y(x_um, y_um));
  }
  return slide;
}

}  // namespace stx
