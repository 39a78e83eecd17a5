// 10x Visium, as Space Ranger writes it: a feature-barcode matrix (filtered .h5 or mtx folder)
// beside spatial/ with tissue positions (v1 `tissue_positions_list.csv` without header, or
// v2 `tissue_positions.csv` with one), `scalefactors_json.json`, and hires/lowres PNGs.
// Pixels are full-resolution; the hires PNG is used, scaled, when no full-resolution image
// is given. µm/px = 65 / spot_diameter_fullres: Space Ranger sizes that "spot" at 65 µm.
// Not yet: Space Ranger 3's tissue_positions.parquet, Visium HD's binned outputs.
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "reader_paths.hpp"
#include "stx/core/error.hpp"
#include "stx/io/read_slide.hpp"
#include "tenx_matrix.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

constexpr double kScalefactorSpotUm = 65.0;

struct Position {
  uint8_t in_tissue = 0;
  int32_t array_row = 0, array_col = 0;
  double pixel_row = 0, pixel_col = 0;
};

std::unordered_map<std::string, Position> read_positions(const std::string& path) {
  TextLines lines(path);
  std::unordered_map<std::string, Position> positions;
  std::string line;
  bool first = true;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, ',');
    if (first && f[0] == "barcode") {  // v2 header; its column order is the same as v1's
      first = false;
      continue;
    }
    first = false;
    STX_CHECK(f.size() == 6, FormatError,
              "{}: line {}: expected 6 fields (barcode, in_tissue, array_row, array_col, "
              "pxl_row_in_fullres, pxl_col_in_fullres), found {}",
              path, lines.line_number(), f.size());
    Position p;
    p.in_tissue = static_cast<uint8_t>(parse_int(f[1], lines, "in_tissue") != 0);
    p.array_row = static_cast<int32_t>(parse_int(f[2], lines, "array_row"));
    p.array_col = static_cast<int32_t>(parse_int(f[3], lines, "array_col"));
    p.pixel_row = parse_double(f[4], lines, "pxl_row_in_fullres");
    p.pixel_col = parse_double(f[5], lines, "pxl_col_in_fullres");
    STX_CHECK(positions.emplace(std::string(f[0]), p).second, FormatError,
              "{}: line {}: duplicate barcode '{}'", path, lines.line_number(), f[0]);
  }
  return positions;
}

double json_number(const nlohmann::json& j, const char* key, const std::string& path) {
  STX_CHECK(j.contains(key) && j[key].is_number() && std::isfinite(j[key].get<double>()) && j[key].get<double>() > 0,
            FormatError, "{}: field '{}': expected a positive number", path, key);
  return j[key].get<double>();
}

}  // namespace

Slide read_spaceranger(const ReadOptions& options) {
  const fs::path dir(options.input);
  STX_CHECK(fs::is_directory(dir), IoError, "{}: not a directory", options.input);
  const std::string h5 = first_existing({(dir / "filtered_feature_bc_matrix.h5").string()});
  const std::string mtx = first_existing({(dir / "filtered_feature_bc_matrix").string()});
  STX_CHECK(!h5.empty() || !mtx.empty(), IoError,
            "{}: no filtered_feature_bc_matrix.h5 or filtered_feature_bc_matrix/ folder",
            options.input);
  TenxMatrix matrix = !h5.empty() ? read_tenx_h5_matrix(h5) : read_tenx_mtx_dir(mtx);

  Slide slide;
  slide.name = dir.filename().empty() ? dir.parent_path().filename().string()
                                      : dir.filename().string();
  slide.source_format = "spaceranger";
  slide.source_path = !h5.empty() ? h5 : mtx;
  if (const int64_t dropped = keep_gene_expression(matrix))
    slide.notes.push_back(fmt::format("{} non-gene-expression features dropped", dropped));

  const fs::path spatial = dir / "spatial";
  const std::string positions_path =
      first_existing({(spatial / "tissue_positions.csv").string(),
                      (spatial / "tissue_positions_list.csv").string()});
  STX_CHECK(!positions_path.empty(), IoError,
            "{}: no spatial/tissue_positions.csv (v2) or spatial/tissue_positions_list.csv (v1)",
            options.input);
  const auto positions = read_positions(positions_path);

  for (size_t i = 0; i < matrix.barcodes.size(); ++i) {
    const auto p = positions.find(matrix.barcodes[i]);
    STX_CHECK(p != positions.end(), FormatError,
              "{}: barcode '{}' of the matrix has no row in {}", slide.source_path,
              matrix.barcodes[i], positions_path);
    slide.in_tissue.push_back(p->second.in_tissue);
    slide.array_row.push_back(p->second.array_row);
    slide.array_col.push_back(p->second.array_col);
    slide.pixel_x.push_back(p->second.pixel_col);
    slide.pixel_y.push_back(p->second.pixel_row);
  }
  slide.spot_ids = std::move(matrix.barcodes);
  slide.gene_symbols = std::move(matrix.feature_names);
  slide.gene_ids = std::move(matrix.feature_ids);
  slide.counts = std::move(matrix.counts);

  const std::string scalefactors_path = (spatial / "scalefactors_json.json").string();
  double hires_scale = kUnknown;
  if (fs::is_regular_file(scalefactors_path)) {
    std::ifstream in(scalefactors_path);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    STX_CHECK(j.is_object(), FormatError, "{}: not valid JSON", scalefactors_path);
    slide.spot_diameter_px = json_number(j, "spot_diameter_fullres", scalefactors_path);
    slide.um_per_px = kScalefactorSpotUm / slide.spot_diameter_px;
    hires_scale = json_number(j, "tissue_hires_scalef", scalefactors_path);
  } else {
    slide.notes.push_back("no spatial/scalefactors_json.json: µm/px unknown");
  }

  if (!options.image_path.empty()) {
    slide.image = open_image(options.image_path, 1.0, options.max_image_pixels);
  } else if (fs::is_regular_file(spatial / "tissue_hires_image.png") &&
             std::isfinite(hires_scale)) {
    slide.image = open_image((spatial / "tissue_hires_image.png").string(), hires_scale,
                             options.max_image_pixels);
    slide.notes.push_back(
        "using spatial/tissue_hires_image.png (pass --image for the full-resolution H&E)");
  }
  return slide;
}

Slide read_tenx_h5(const ReadOptions& options) {
  TenxMatrix matrix = read_tenx_h5_matrix(options.input);
  Slide slide;
  slide.name = fs::path(options.input).stem().string();
  slide.source_format = "10x-h5";
  slide.source_path = options.input;
  if (const int64_t dropped = keep_gene_expression(matrix))
    slide.notes.push_back(fmt::format("{} non-gene-expression features dropped", dropped));
  slide.spot_ids = std::move(matrix.barcodes);
  slide.gene_symbols = std::move(matrix.feature_names);
  slide.gene_ids = std::move(matrix.feature_ids);
  slide.counts = std::move(matrix.counts);
  slide.notes.push_back("a bare matrix: no spot coordinates (read the Space Ranger folder for them)");
  if (!options.image_path.empty()) slide.image = open_image(options.image_path, 1.0, options.max_image_pixels);
  return slide;
}

}  // namespace stx
