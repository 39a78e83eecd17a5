#include "stx/pipeline/inputs.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/io/readers/cell_centres.hpp"

namespace stx {
namespace fs = std::filesystem;

bool is_image_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* known : {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".svs", ".ndpi", ".mrxs", ".scn", ".vms", ".bif"})
    if (ext == known) return true;
  return false;
}

double image_um_per_px(const Image& image, double given, const std::string& path) {
  const double um_per_px = std::isfinite(given) ? given : image.um_per_px();
  STX_CHECK(std::isfinite(um_per_px), ConfigError, "{}: the image does not record its µm per pixel; pass --um-per-px",
            path);
  return um_per_px;
}

namespace {

Slide read_image_only(const ReadOptions& read, const PseudoSpotOptions& grid) {
  auto image = open_image(read.input, 1.0, read.max_image_pixels);
  const double um_per_px = image_um_per_px(*image, read.um_per_px, read.input);
  if (read.cells_path.empty()) return pseudo_spot_slide(std::move(image), um_per_px, grid);
  // one spot per given cell centre
  const CellCentres cells = read_cell_centres(read.cells_path, um_per_px);
  Slide slide;
  slide.name = fs::path(read.input).stem().string();
  slide.source_format = "image";
  slide.source_path = read.input;
  slide.um_per_px = um_per_px;
  slide.spot_ids = cells.ids;
  slide.pixel_x = cells.x_px;
  slide.pixel_y = cells.y_px;
  slide.counts.n_rows = slide.n_spots();
  slide.counts.indptr.assign(static_cast<size_t>(slide.n_spots()) + 1, 0);
  slide.spot_diameter_px = kCellDiameterUm / um_per_px;
  slide.image = std::move(image);
  check_inside_image(slide, read.cells_path);
  slide.notes.push_back(fmt::format("{} cells from {}", slide.n_spots(), read.cells_path));
  return slide;
}

}  // namespace

void check_cells_need_an_image(const ReadOptions& read) {
  STX_CHECK(read.cells_path.empty() || is_image_path(read.input), ConfigError,
            "--cells {}: cell centres go on an H&E image alone, and {} is a slide with its own spots (give its "
            "image, or leave out --cells)", read.cells_path, read.input);
}

Slide read_slide_or_image(const ReadOptions& read, const PseudoSpotOptions& grid) {
  check_cells_need_an_image(read);
  return is_image_path(read.input) ? read_image_only(read, grid) : read_slide(read);
}

void check_output_path(const std::string& output, bool force) {
  if (output.empty()) return;
  STX_CHECK(force || !fs::exists(output), ConfigError,
            "{}: already exists (pass --force to overwrite)", output);
  const fs::path parent = fs::path(output).parent_path();
  STX_CHECK(parent.empty() || fs::is_directory(parent), IoError,
            "{}: output directory '{}' does not exist", output, parent.string());
}

void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& option_paths) {
  for (size_t i = 0; i < option_paths.size(); ++i)
    for (size_t j = i + 1; j < option_paths.size(); ++j) {
      const auto& [a_option, a] = option_paths[i];
      const auto& [b_option, b] = option_paths[j];
      STX_CHECK(a.empty() || b.empty() || fs::absolute(a).lexically_normal() != fs::absolute(b).lexically_normal(),
                ConfigError, "{} and {} are the same file ({})", a_option, b_option, a);
    }
}

void check_distinct_sections(const std::vector<std::string>& sections) {
  for (size_t i = 0; i < sections.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      STX_CHECK(sections[i] != sections[j], ConfigError, "--sections: '{}' is given twice", sections[i]);
}

void make_output_folder(const std::string& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  STX_CHECK(!error && fs::is_directory(dir), IoError, "{}: cannot create the output folder ({})",
            dir, error ? error.message() : "a file is in the way");
}

}  // namespace stx
