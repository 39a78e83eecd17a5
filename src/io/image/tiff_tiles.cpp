#include "tiff_tiles.hpp"

#include <tiffio.h>

#include <algorithm>
#include <filesystem>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/core/first_error.hpp"

namespace stx {
namespace {

// libtiff's messages go to the handle that raised them (not to stderr, not through the global
// handlers, which other threads may be using): the first error becomes the exception's text.
struct Messages {
  std::string first_error;
  std::string tile_table_warning;  // libtiff dropped a tile table that disagrees with the size
};

int keep_error(TIFF*, void* user, const char* module, const char* format, va_list args) {
  auto* messages = static_cast<Messages*>(user);
  if (messages->first_error.empty()) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    messages->first_error = fmt::format("{}: {}", module ? module : "libtiff", text);
  }
  return 1;
}

// Warnings are dropped (an unknown tag in an SVS is common and harmless), except a tile or strip
// table dropped for its count: libtiff then reads zeros where the tiles' offsets should be.
int keep_table_warning(TIFF*, void* user, const char* module, const char* format, va_list args) {
  auto* messages = static_cast<Messages*>(user);
  if (module != nullptr && std::strcmp(module, "TIFFFetchStripThing") == 0 && messages->tile_table_warning.empty()) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    messages->tile_table_warning = text;
  }
  return 1;
}

class Handle {
 public:
  Handle(const std::string& path, bool ycbcr_jpeg) {
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, keep_error, &messages_);
    TIFFOpenOptionsSetWarningHandlerExtR(options, keep_table_warning, &messages_);
    tiff_ = TIFFOpenExt(path.c_str(), "r", options);
    TIFFOpenOptionsFree(options);
    if (tiff_ && ycbcr_jpeg) TIFFSetField(tiff_, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  }
  ~Handle() {
    if (tiff_) TIFFClose(tiff_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  TIFF* get() const { return tiff_; }
  const std::string& error() const { return messages_.first_error; }
  const std::string& tile_table_warning() const { return messages_.tile_table_warning; }

 private:
  Messages messages_;
  TIFF* tiff_ = nullptr;
};

template <typename T>
T field(TIFF* tiff, uint32_t tag, T otherwise) {
  T value{};
  return TIFFGetField(tiff, tag, &value) == 1 ? value : otherwise;
}

constexpr uint32_t kMaxTileSide = 8192;

// Every tile's bytes lie inside the file, and some tile has bytes. libtiff drops a TileOffsets
// whose count disagrees with the declared size (a warning only) and reads zeros; OpenSlide then
// orders the levels by that size, so a level claiming more than level 0 became level 0.
void check_tiles_in_file(TIFF* tiff, uint64_t file_size, const std::string& path, int directory, uint32_t w,
                         uint32_t h) {
  const uint32_t tiles = TIFFNumberOfTiles(tiff);
  bool any = false;
  for (uint32_t t = 0; t < tiles; ++t) {
    int error = 0;
    const uint64_t offset = TIFFGetStrileOffsetWithErr(tiff, t, &error), bytes = TIFFGetStrileByteCountWithErr(tiff, t, &error);
    STX_CHECK(error == 0 && offset <= file_size && bytes <= file_size - offset, FormatError,
              "{}: directory {}: tile {} of {} lies outside the file ({} bytes at offset {}, file of {} bytes)", path,
              directory, t, tiles, bytes, offset, file_size);
    any = any || bytes > 0;
  }
  STX_CHECK(any, FormatError, "{}: directory {}: none of its {} tiles of {} x {} px has bytes in the file (TileOffsets "
            "and TileByteCounts missing, or a size its tile tables do not fill)", path, directory, tiles, w, h);
}

}  // namespace

void check_tiff_directories(const std::string& path) {
  const Handle handle(path, false);
  TIFF* tiff = handle.get();
  if (!tiff) return;
  const uint64_t file_size = std::filesystem::file_size(path);
  int directory = 0;
  do {
    const auto w = field<uint32_t>(tiff, TIFFTAG_IMAGEWIDTH, 0), h = field<uint32_t>(tiff, TIFFTAG_IMAGELENGTH, 0);
    STX_CHECK(handle.tile_table_warning().empty(), FormatError, "{}: directory {}: {}", path, directory,
              handle.tile_table_warning());
    STX_CHECK(w > 0 && h > 0, FormatError, "{}: directory {}: ImageWidth x ImageLength {} x {}; expected a positive size",
              path, directory, w, h);
    if (TIFFIsTiled(tiff)) {
      const auto tile_w = field<uint32_t>(tiff, TIFFTAG_TILEWIDTH, 0);
      const auto tile_h = field<uint32_t>(tiff, TIFFTAG_TILELENGTH, 0);
      STX_CHECK(tile_w > 0 && tile_h > 0 && tile_w % 16 == 0 && tile_h % 16 == 0 && tile_w <= kMaxTileSide &&
                    tile_h <= kMaxTileSide,
                FormatError, "{}: directory {}: TileWidth x TileLength {} x {}; expected multiples of 16 up to {} px",
                path, directory, tile_w, tile_h, kMaxTileSide);
      check_tiles_in_file(tiff, file_size, path, directory, w, h);
    }
    ++directory;
  } while (TIFFReadDirectory(tiff) == 1);
  // TIFFReadDirectory also stops at a directory it cannot read (its error kept in the handle)
  STX_CHECK(handle.error().empty(), FormatError, "{}: directory {}: {}", path, directory, handle.error());
}

std::unique_ptr<TiffTiles> TiffTiles::open(const std::string& path, int64_t width, int64_t height) {
  const Handle handle(path, false);
  TIFF* tiff = handle.get();
  if (!tiff || !TIFFIsTiled(tiff)) return nullptr;
  const auto w = field<uint32_t>(tiff, TIFFTAG_IMAGEWIDTH, 0), h = field<uint32_t>(tiff, TIFFTAG_IMAGELENGTH, 0);
  const auto tile_w = field<uint32_t>(tiff, TIFFTAG_TILEWIDTH, 0), tile_h = field<uint32_t>(tiff, TIFFTAG_TILELENGTH, 0);
  const auto bits = field<uint16_t>(tiff, TIFFTAG_BITSPERSAMPLE, 1);
  const auto samples = field<uint16_t>(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  const auto planar = field<uint16_t>(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  const auto photometric = field<uint16_t>(tiff, TIFFTAG_PHOTOMETRIC, 0);
  const auto compression = field<uint16_t>(tiff, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
  const bool ycbcr_jpeg = photometric == PHOTOMETRIC_YCBCR && compression == COMPRESSION_JPEG;
  const bool rgb = photometric == PHOTOMETRIC_RGB || ycbcr_jpeg;
  // sizes up to 2^31 keep every offset in range for OpenCV's int indices
  if (w != width || h != height || tile_w == 0 || tile_h == 0 || tile_w > kMaxTileSide || tile_h > kMaxTileSide || bits != 8 ||
      samples != 3 || planar != PLANARCONFIG_CONTIG || !rgb || TIFFIsCODECConfigured(compression) != 1)
    return nullptr;
  return std::unique_ptr<TiffTiles>(new TiffTiles(path, width, height, tile_w, tile_h, ycbcr_jpeg));
}

cv::Mat TiffTiles::read(int64_t x, int64_t y, int64_t w, int64_t h) const {
  cv::Mat rgb(static_cast<int>(h), static_cast<int>(w), CV_8UC3, cv::Scalar(255, 255, 255));
  // the tiles that meet the rectangle inside the image
  const int64_t left = std::max<int64_t>(0, x), top = std::max<int64_t>(0, y);
  const int64_t right = std::min(width_, x + w), bottom = std::min(height_, y + h);
  if (left >= right || top >= bottom) return rgb;
  std::vector<std::pair<int64_t, int64_t>> tiles;  // (column, row) in tiles
  for (int64_t row = top / tile_h_; row * tile_h_ < bottom; ++row)
    for (int64_t column = left / tile_w_; column * tile_w_ < right; ++column) tiles.emplace_back(column, row);
  FirstError error;
#pragma omp parallel
  {
    std::unique_ptr<Handle> handle;
    std::vector<uint8_t> buffer;
#pragma omp for schedule(dynamic, 1)
    for (size_t k = 0; k < tiles.size(); ++k) {
      error.run([&] {
        if (!handle) {
          handle = std::make_unique<Handle>(path_, ycbcr_jpeg_);
          STX_CHECK(handle->get() != nullptr, FormatError, "{}: libtiff cannot reopen it: {}", path_, handle->error());
          buffer.resize(static_cast<size_t>(TIFFTileSize(handle->get())));
          STX_CHECK(buffer.size() >= static_cast<size_t>(tile_w_ * tile_h_ * 3), FormatError,
                    "{}: tiles of {} bytes, expected {} x {} RGB pixels", path_, buffer.size(), tile_w_, tile_h_);
        }
        const auto [column, row] = tiles[k];
        const int64_t tx = column * tile_w_, ty = row * tile_h_;
        const uint32_t index = TIFFComputeTile(handle->get(), static_cast<uint32_t>(tx), static_cast<uint32_t>(ty), 0, 0);
        STX_CHECK(TIFFReadEncodedTile(handle->get(), index, buffer.data(), static_cast<tmsize_t>(buffer.size())) >= 0,
                  FormatError, "{}: tile {} (at {}, {}) cannot be decoded: {}", path_, index, tx, ty, handle->error());
        // the part of this tile inside both the image and the rectangle
        const int64_t x0 = std::max(tx, left), x1 = std::min(tx + tile_w_, right);
        const int64_t y0 = std::max(ty, top), y1 = std::min(ty + tile_h_, bottom);
        for (int64_t yy = y0; yy < y1; ++yy) {
          const uint8_t* src = buffer.data() + ((yy - ty) * tile_w_ + (x0 - tx)) * 3;
          std::copy(src, src + (x1 - x0) * 3, rgb.ptr<uint8_t>(static_cast<int>(yy - y)) + (x0 - x) * 3);
        }
      });
    }
  }
  error.rethrow();
  return rgb;
}

}  // namespace stx
