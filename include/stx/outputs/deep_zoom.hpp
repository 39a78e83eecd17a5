// A Deep Zoom (DZI) tile pyramid of a slide's H&E, what OpenSeadragon and most slide viewers
// open: `<name>_files/<level>/<column>_<row>.jpg`, level 0 one pixel, each level twice the size
// of the one before, the last at full resolution; tiles of `tile_px` plus `overlap_px` on each
// inner edge. Each tile is read from the image at its level's scale (OpenSlide reads from its
// nearest pyramid level), so memory stays one tile per thread whatever the slide's size.
#pragma once

#include <cstdint>
#include <string>

#include "stx/io/image/image.hpp"

namespace stx {

struct DeepZoomOptions {
  int tile_px = 254;  // 254 + 2 overlap = 256: OpenSeadragon's and libvips' default
  int overlap_px = 1;
  int jpeg_quality = 85;
  int threads = 0;  // 0: OpenMP's default
};

struct DeepZoomPyramid {
  int64_t width = 0, height = 0;  // full resolution
  int levels = 0;                 // level 0 .. levels - 1
  int64_t tiles = 0;
};

/// ceil(log2(max(width, height))) + 1: the levels from one pixel to full resolution.
int deep_zoom_levels(int64_t width, int64_t height);

/// A level's size: the full resolution halved (rounding up) once per level below the top.
int64_t deep_zoom_level_size(int64_t full, int level, int levels);

/// The full-resolution rectangle that tile (column, row) of `level` shows, and its size in
/// pixels (tile_px plus the overlap on the sides that have a neighbour, less at the far edges).
struct DeepZoomTile {
  double x = 0, y = 0, width = 0, height = 0;  // full-resolution pixels
  int out_width = 0, out_height = 0;
};
DeepZoomTile deep_zoom_tile(const DeepZoomPyramid& pyramid, const DeepZoomOptions& options, int level,
                            int64_t column, int64_t row);

/// Writes the tiles under `dir`/`name`_files/ (dir must exist) and returns the pyramid's shape;
/// IoError naming a tile that cannot be written.
DeepZoomPyramid write_deep_zoom(const Image& image, const std::string& dir, const std::string& name,
                                const DeepZoomOptions& options = {});

/// The .dzi descriptor (XML) of `pyramid`.
std::string deep_zoom_descriptor(const DeepZoomPyramid& pyramid, const DeepZoomOptions& options);

}  // namespace stx
