#include "stx/outputs/deep_zoom.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/core/first_error.hpp"

namespace stx {
namespace fs = std::filesystem;

int deep_zoom_levels(int64_t width, int64_t height) {
  STX_CHECK(width > 0 && height > 0, ShapeError, "deep zoom: an image of {} x {} pixels", width, height);
  int levels = 1;
  for (int64_t side = std::max(width, height); side > 1; side = (side + 1) / 2) ++levels;
  return levels;
}

int64_t deep_zoom_level_size(int64_t full, int level, int levels) {
  int64_t size = full;
  for (int l = levels - 1; l > level; --l) size = (size + 1) / 2;
  return size;
}

DeepZoomTile deep_zoom_tile(const DeepZoomPyramid& pyramid, const DeepZoomOptions& options, int level,
                            int64_t column, int64_t row) {
  const int64_t level_w = deep_zoom_level_size(pyramid.width, level, pyramid.levels);
  const int64_t level_h = deep_zoom_level_size(pyramid.height, level, pyramid.levels);
  const int64_t x0 = column * options.tile_px - (column > 0 ? options.overlap_px : 0);
  const int64_t y0 = row * options.tile_px - (row > 0 ? options.overlap_px : 0);
  const int64_t x1 = std::min(level_w, (column + 1) * options.tile_px + options.overlap_px);
  const int64_t y1 = std::min(level_h, (row + 1) * options.tile_px + options.overlap_px);
  // one level pixel covers full / level of the full resolution on each axis
  const double sx = static_cast<double>(pyramid.width) / static_cast<double>(level_w);
  const double sy = static_cast<double>(pyramid.height) / static_cast<double>(level_h);
  DeepZoomTile tile;
  tile.x = static_cast<double>(x0) * sx;
  tile.y = static_cast<double>(y0) * sy;
  tile.width = static_cast<double>(x1 - x0) * sx;
  tile.height = static_cast<double>(y1 - y0) * sy;
  tile.out_width = static_cast<int>(x1 - x0);
  tile.out_height = static_cast<int>(y1 - y0);
  return tile;
}

DeepZoomPyramid write_deep_zoom(const Image& image, const std::string& dir, const std::string& name,
                                const DeepZoomOptions& options) {
  STX_CHECK(options.tile_px >= 16 && options.overlap_px >= 0 && options.overlap_px < options.tile_px, ConfigError,
            "deep zoom: tile {} px with overlap {} px; expected a tile of at least 16 px and a smaller overlap",
            options.tile_px, options.overlap_px);
  DeepZoomPyramid pyramid;
  pyramid.width = image.width();
  pyramid.height = image.height();
  pyramid.levels = deep_zoom_levels(pyramid.width, pyramid.height);
  const fs::path files = fs::path(dir) / (name + "_files");
  const std::vector<int> jpeg = {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality};
  if (options.threads > 0) omp_set_num_threads(options.threads);
  for (int level = pyramid.levels - 1; level >= 0; --level) {
    fs::create_directories(files / std::to_string(level));
    const int64_t columns = (deep_zoom_level_size(pyramid.width, level, pyramid.levels) + options.tile_px - 1) / options.tile_px;
    const int64_t rows = (deep_zoom_level_size(pyramid.height, level, pyramid.levels) + options.tile_px - 1) / options.tile_px;
    FirstError failure;  // no exception may leave an OpenMP region
#pragma omp parallel for schedule(dynamic, 4)
    for (int64_t k = 0; k < columns * rows; ++k) {
      failure.run([&] {
        const int64_t column = k % columns, row = k / columns;
        const DeepZoomTile t = deep_zoom_tile(pyramid, options, level, column, row);
        cv::Mat bgr;
        cv::cvtColor(image.read_region({t.x, t.y, t.width, t.height}, {t.out_width, t.out_height}), bgr,
                     cv::COLOR_RGB2BGR);
        const fs::path path = files / std::to_string(level) / fmt::format("{}_{}.jpg", column, row);
        STX_CHECK(cv::imwrite(path.string(), bgr, jpeg), IoError, "{}: cannot write the tile", path.string());
      });
    }
    failure.rethrow();
    pyramid.tiles += columns * rows;
  }
  return pyramid;
}

std::string deep_zoom_descriptor(const DeepZoomPyramid& pyramid, const DeepZoomOptions& options) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" Format=\"jpg\" Overlap=\"{}\" TileSize=\"{}\">\n"
      "  <Size Width=\"{}\" Height=\"{}\"/>\n</Image>\n",
      options.overlap_px, options.tile_px, pyramid.width, pyramid.height);
}

}  // namespace stx
