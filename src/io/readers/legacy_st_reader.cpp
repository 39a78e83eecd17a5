// Legacy Spatial Transcriptomics (Ståhl et al. 2016), as published for HER2ST (Andersson et
// al. 2021): a counts table (spots x genes, tsv or tsv.gz, rows named "XxY" by array
// position, first header cell empty), a spot selection table (x y new_x new_y pixel_x
// pixel_y selected) and an H&E image. The counts rows are joined to the selected spots on
// (x, y); selected spots without counts are dropped and reported, counts rows without a
// spot are an error. µm/px comes from the 200 µm array pitch unless given.
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "reader_paths.hpp"
#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

constexpr double kStArrayPitchUm = 200.0;  // centre-to-centre distance of legacy ST spots

struct SpotRow {
  int32_t x = 0, y = 0;
  double fitted_x = 0, fitted_y = 0;  // new_x/new_y: array positions corrected for the print
  double pixel_x = 0, pixel_y = 0;
};

std::unordered_map<std::string, SpotRow> read_spot_table(const std::string& path) {
  TextLines lines(path);
  std::string line;
  STX_CHECK(lines.next(line), FormatError, "{}: empty spot table", path);
  const std::string header_line = line;  // `line` is reused below; the views need their own
  const auto header = split_fields(header_line, '\t');
  const size_t cx = require_column(header, "x", lines);
  const size_t cy = require_column(header, "y", lines);
  const size_t cpx = require_column(header, "pixel_x", lines);
  const size_t cpy = require_column(header, "pixel_y", lines);
  const std::optional<size_t> cnx = find_column(header, "new_x");
  const std::optional<size_t> cny = find_column(header, "new_y");
  const std::optional<size_t> csel = find_column(header, "selected");

  std::unordered_map<std::string, SpotRow> spots;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, '\t');
    STX_CHECK(f.size() == header.size(), FormatError,
              "{}: line {}: expected {} tab-separated fields, found {}", path,
              lines.line_number(), header.size(), f.size());
    if (csel && parse_int(f[*csel], lines, "selected") == 0) continue;
    SpotRow s;
    s.x = static_cast<int32_t>(parse_int(f[cx], lines, "x"));
    s.y = static_cast<int32_t>(parse_int(f[cy], lines, "y"));
    s.pixel_x = parse_double(f[cpx], lines, "pixel_x");
    s.pixel_y = parse_double(f[cpy], lines, "pixel_y");
    STX_CHECK(std::isfinite(s.pixel_x) && std::isfinite(s.pixel_y), FormatError,
              "{}: line {}: pixel coordinates must be finite", path, lines.line_number());
    s.fitted_x = cnx ? parse_double(f[*cnx], lines, "new_x") : s.x;
    s.fitted_y = cny ? parse_double(f[*cny], lines, "new_y") : s.y;
    const bool inserted = spots.emplace(legacy_st_spot_id(s.x, s.y), s).second;
    STX_CHECK(inserted, FormatError, "{}: line {}: duplicate spot at x={}, y={}", path,
              lines.line_number(), s.x, s.y);
  }
  STX_CHECK(!spots.empty(), FormatError, "{}: no selected spots", path);
  return spots;
}

struct LineFit {
  double slope = kUnknown;  // pixels per array step
  double r = 0;             // how well a line fits
};

// Least-squares line of pixel position against array position.
LineFit fit_line(const std::vector<double>& array_pos, const std::vector<double>& px) {
  const double n = static_cast<double>(array_pos.size());
  double ma = 0, mp = 0;
  for (size_t i = 0; i < array_pos.size(); ++i) ma += array_pos[i] / n, mp += px[i] / n;
  double sap = 0, saa = 0, spp = 0;
  for (size_t i = 0; i < array_pos.size(); ++i) {
    sap += (array_pos[i] - ma) * (px[i] - mp);
    saa += (array_pos[i] - ma) * (array_pos[i] - ma);
    spp += (px[i] - mp) * (px[i] - mp);
  }
  if (saa <= 0) return {};
  return {std::abs(sap / saa), spp > 0 ? std::abs(sap) / std::sqrt(saa * spp) : 0.0};
}

// µm/px from the fitted array positions against the pixel positions (200 µm pitch), and the
// 100 µm spot diameter in pixels. When pixel_x follows the array's y (an image turned by 90
// degrees, or the table's pixel columns swapped) the scale comes from the axes that match,
// and a note says so: fitted the other way, µm/px came out 2.386 instead of 0.688.
void infer_scale(const std::vector<double>& fitted_x, const std::vector<double>& fitted_y, Slide& slide) {
  const LineFit xx = fit_line(fitted_x, slide.pixel_x), yy = fit_line(fitted_y, slide.pixel_y);
  const LineFit xy = fit_line(fitted_x, slide.pixel_y), yx = fit_line(fitted_y, slide.pixel_x);
  const bool crossed = xy.r + yx.r > xx.r + yy.r;
  const double step_px = crossed ? 0.5 * (xy.slope + yx.slope) : 0.5 * (xx.slope + yy.slope);
  if (std::isfinite(step_px) && step_px > 0) {
    slide.um_per_px = kStArrayPitchUm / step_px;
    slide.spot_diameter_px = 100.0 / slide.um_per_px;  // legacy ST spots are 100 µm across
    slide.notes.push_back(fmt::format("µm/px {:.4f} inferred from the {:.0f} µm array pitch "
                                      "({:.1f} px per step)",
                                      slide.um_per_px, kStArrayPitchUm, step_px));
  }
  if (crossed)
    slide.warnings.push_back(
        "pixel_x follows the array's y and pixel_y its x: the image is turned by 90 degrees or the spot "
        "table's pixel columns are swapped; check that the spots lie on the tissue");
}

// A counts row's spot: its id and array position, its pixel position as the table says, and the
// fitted array position (for the scale).
void add_spot(const std::string& id, const SpotRow& spot, Slide& slide, std::vector<double>& fitted_x,
              std::vector<double>& fitted_y) {
  slide.spot_ids.push_back(id);
  slide.array_col.push_back(spot.x);
  slide.array_row.push_back(spot.y);
  slide.pixel_x.push_back(spot.pixel_x);
  slide.pixel_y.push_back(spot.pixel_y);
  fitted_x.push_back(spot.fitted_x);
  fitted_y.push_back(spot.fitted_y);
}

// One counts row's non-zero genes (field 0 is the spot id): their columns and values.
void parse_nonzero_counts(const std::vector<std::string_view>& fields, const std::vector<std::string_view>& header,
                          const TextLines& lines, std::vector<int32_t>& cols, std::vector<float>& values) {
  cols.clear();
  values.clear();
  for (size_t g = 1; g < fields.size(); ++g) {
    if (fields[g] == "0") continue;  // the common case, skip parsing
    const float v = parse_count(fields[g], lines, header[g]);
    if (v != 0.0f) {
      cols.push_back(static_cast<int32_t>(g - 1));
      values.push_back(v);
    }
  }
}

}  // namespace

Slide read_legacy_st(const ReadOptions& options) {
  const LegacyStPaths paths = resolve_legacy_st_paths(options);
  const auto spots = read_spot_table(paths.spots);

  Slide slide;
  slide.name = paths.section;
  slide.source_format = "legacy-st";
  slide.source_path = paths.counts;

  TextLines lines(paths.counts);
  std::string line;
  STX_CHECK(lines.next(line), FormatError, "{}: empty counts table", paths.counts);
  const std::string header_line = line;  // `line` is reused below; the views need their own
  const auto header = split_fields(header_line, '\t');
  STX_CHECK(header.size() >= 2, FormatError,
            "{}: header: expected a spot-id column then gene names, found {} field(s)",
            paths.counts, header.size());
  for (size_t i = 1; i < header.size(); ++i) slide.gene_symbols.emplace_back(header[i]);
  slide.counts.n_cols = slide.n_genes();

  std::vector<double> fitted_x, fitted_y;
  std::unordered_map<std::string, int64_t> seen;
  std::vector<int32_t> cols;
  std::vector<float> values;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, '\t');
    STX_CHECK(f.size() == header.size(), FormatError,
              "{}: line {}: expected {} tab-separated fields (spot id + {} genes), found {}",
              paths.counts, lines.line_number(), header.size(), header.size() - 1, f.size());
    const std::string id(f[0]);
    const auto spot = spots.find(id);
    STX_CHECK(spot != spots.end(), FormatError,
              "{}: line {}: counts row '{}' matches no selected spot in {} (ids are 'XxY' "
              "array positions)",
              paths.counts, lines.line_number(), id, paths.spots);
    STX_CHECK(seen.emplace(id, lines.line_number()).second, FormatError,
              "{}: line {}: duplicate spot '{}'", paths.counts, lines.line_number(), id);
    parse_nonzero_counts(f, header, lines, cols, values);
    slide.counts.append_row(cols, values);
    add_spot(id, spot->second, slide, fitted_x, fitted_y);
  }
  STX_CHECK(slide.n_spots() > 0, FormatError, "{}: no spot rows after the header",
            paths.counts);
  slide.in_tissue.assign(slide.spot_ids.size(), 1);  // selected spots are those under tissue

  if (const size_t unmatched = spots.size() - seen.size(); unmatched > 0)
    slide.notes.push_back(fmt::format("{} selected spot(s) in {} have no counts row and were left out", unmatched,
                                      fs::path(paths.spots).filename().string()));

  infer_scale(fitted_x, fitted_y, slide);
  if (!paths.image.empty()) slide.image = open_image(paths.image, 1.0, options.max_image_pixels);
  if (!paths.labels.empty()) attach_labels(slide, paths.labels);
  return slide;
}

}  // namespace stx
