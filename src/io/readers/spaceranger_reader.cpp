// 10x Visium, as Space Ranger writes it: a feature-barcode matrix (filtered .h5 or mtx folder)
// beside spatial/ with tissue positions (v1 `tissue_positions_list.csv` without header, or
// v2 `tissue_positions.csv` with one), `scalefactors_json.json`, and hires/lowres PNGs.
// Pixels are full-resolution; the hires PNG is used, scaled, when no full-resolution image
// is given. µm/px = 65 / spot_diameter_fullres: Space Ranger sizes that "spot" at 65 µm.
// Visium HD: a bin folder (binned_outputs/square_008um/, the default when given the outs
// folder) with spatial/tissue_positions.parquet; µm/px is the scale factors'
// microns_per_pixel, and a bin is bin_size_um wide.
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "reader_paths.hpp"
#include "stx/io/parquet/parquet.hpp"
#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"
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

// Space Ranger 3 and Visium HD: the same six columns in Parquet.
std::unordered_map<std::string, Position> read_positions_parquet(const std::string& path) {
  const ParquetTable t = read_parquet(path, {"barcode", "in_tissue", "array_row", "array_col", "pxl_row_in_fullres",
                                             "pxl_col_in_fullres"});
  const auto integers = [&](const char* name) -> const ParquetColumn& {
    const ParquetColumn& c = t.column(name);
    STX_CHECK(c.type == ParquetType::Int32 || c.type == ParquetType::Int64 || c.type == ParquetType::Boolean,
              FormatError, "{}: column {}: expected integers", path, name);
    return c;
  };
  const auto reals = [&](const char* name) {
    const ParquetColumn& c = t.column(name);
    if (c.type == ParquetType::Float || c.type == ParquetType::Double) return c.reals;
    STX_CHECK(c.type == ParquetType::Int32 || c.type == ParquetType::Int64, FormatError,
              "{}: column {}: expected numbers", path, name);
    return std::vector<double>(c.ints.begin(), c.ints.end());
  };
  const ParquetColumn& barcode = t.column("barcode");
  STX_CHECK(barcode.type == ParquetType::ByteArray, FormatError, "{}: column barcode: expected strings", path);
  const ParquetColumn &in_tissue = integers("in_tissue"), &row = integers("array_row"), &col = integers("array_col");
  const std::vector<double> pixel_row = reals("pxl_row_in_fullres"), pixel_col = reals("pxl_col_in_fullres");
  std::unordered_map<std::string, Position> positions;
  for (int64_t i = 0; i < t.rows; ++i) {
    for (const ParquetColumn& c : t.columns)  // the six columns read
      STX_CHECK(c.valid[static_cast<size_t>(i)], FormatError, "{}: row {}: {} is null", path, i, c.name);
    Position p;
    p.in_tissue = static_cast<uint8_t>(in_tissue.ints[i] != 0);
    p.array_row = static_cast<int32_t>(row.ints[i]);
    p.array_col = static_cast<int32_t>(col.ints[i]);
    p.pixel_row = pixel_row[static_cast<size_t>(i)];
    p.pixel_col = pixel_col[static_cast<size_t>(i)];
    STX_CHECK(positions.emplace(barcode.strings[i], p).second, FormatError, "{}: row {}: duplicate barcode '{}'",
              path, i, barcode.strings[i]);
  }
  return positions;
}

// The folder the matrix is in: a Visium HD outs folder stands for its 8 µm bins.
fs::path matrix_folder(const fs::path& dir, Slide& slide) {
  const fs::path bins = dir / "binned_outputs" / "square_008um";
  if (!fs::exists(dir / "filtered_feature_bc_matrix.h5") && !fs::is_directory(dir / "filtered_feature_bc_matrix") &&
      fs::is_directory(bins)) {
    slide.notes.push_back("Visium HD: the 8 µm bins (binned_outputs/square_008um; give another bin folder to choose)");
    return bins;
  }
  return dir;
}

double json_number(const nlohmann::json& j, const char* key, const std::string& path) {
  STX_CHECK(j.contains(key) && j[key].is_number() && std::isfinite(j[key].get<double>()) && j[key].get<double>() > 0,
            FormatError, "{}: field '{}': expected a positive number", path, key);
  return j[key].get<double>();
}

// spatial/scalefactors_json.json: the slide's µm per pixel and spot (or bin) diameter; returns
// the hires image's scale (NaN without the file).
double read_scalefactors(const fs::path& spatial, Slide& slide) {
  const std::string scalefactors_path = (spatial / "scalefactors_json.json").string();
  double hires_scale = kUnknown;
  if (fs::is_regular_file(scalefactors_path)) {
    std::ifstream in(scalefactors_path);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    STX_CHECK(j.is_object(), FormatError, "{}: not valid JSON", scalefactors_path);
    if (j.contains("microns_per_pixel") && j.contains("bin_size_um")) {  // Visium HD
      slide.source_format = "visium-hd";
      slide.um_per_px = json_number(j, "microns_per_pixel", scalefactors_path);
      slide.spot_diameter_px = json_number(j, "bin_size_um", scalefactors_path) / slide.um_per_px;
    } else {
      slide.spot_diameter_px = json_number(j, "spot_diameter_fullres", scalefactors_path);
      slide.um_per_px = kScalefactorSpotUm / slide.spot_diameter_px;
    }
    hires_scale = json_number(j, "tissue_hires_scalef", scalefactors_path);
  } else {
    slide.notes.push_back("no spatial/scalefactors_json.json: µm/px unknown");
  }
  return hires_scale;
}

}  // namespace

Slide read_spaceranger(const ReadOptions& options) {
  STX_CHECK(fs::is_directory(options.input), IoError, "{}: not a directory", options.input);
  Slide slide;
  const fs::path dir = matrix_folder(options.input, slide);
  const std::string h5 = first_existing({(dir / "filtered_feature_bc_matrix.h5").string()});
  const std::string mtx = first_existing({(dir / "filtered_feature_bc_matrix").string()});
  STX_CHECK(!h5.empty() || !mtx.empty(), IoError,
            "{}: no filtered_feature_bc_matrix.h5 or filtered_feature_bc_matrix/ folder",
            options.input);
  TenxMatrix matrix = !h5.empty() ? read_tenx_h5_matrix(h5) : read_tenx_mtx_dir(mtx);

  slide.name = dir.filename().empty() ? dir.parent_path().filename().string()
                                      : dir.filename().string();
  slide.source_format = "spaceranger";
  slide.source_path = !h5.empty() ? h5 : mtx;
  if (const int64_t dropped = keep_gene_expression(matrix))
    slide.notes.push_back(fmt::format("{} non-gene-expression features dropped", dropped));

  const fs::path spatial = dir / "spatial";
  const std::string positions_path =
      first_existing({(spatial / "tissue_positions.csv").string(), (spatial / "tissue_positions_list.csv").string(),
                      (spatial / "tissue_positions.parquet").string()});
  STX_CHECK(!positions_path.empty(), IoError,
            "{}: no spatial/tissue_positions.csv (v2), spatial/tissue_positions_list.csv (v1) or "
            "spatial/tissue_positions.parquet (Space Ranger 3, Visium HD)",
            dir.string());
  const bool parquet = fs::path(positions_path).extension() == ".parquet";
  const auto positions = parquet ? read_positions_parquet(positions_path) : read_positions(positions_path);

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

  const double hires_scale = read_scalefactors(spatial, slide);

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
