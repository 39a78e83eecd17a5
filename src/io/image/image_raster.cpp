// RasterImage: OpenCV decode on first pixel access; the size comes from the file header so
// that ingest can check coordinates without decoding ~100 Mpx JPEGs.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include <tiffio.h>

#include "image_backends.hpp"
#include "jpeg_decode.hpp"
#include "png_decode.hpp"
#include "stx/core/error.hpp"

namespace stx {
namespace {

uint32_t big_endian(const unsigned char* p, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

cv::Size probe_png(std::ifstream& in) {
  unsigned char h[24];
  if (!in.read(reinterpret_cast<char*>(h), 24)) return {0, 0};
  if (std::string(reinterpret_cast<char*>(h + 12), 4) != "IHDR") return {0, 0};
  return {static_cast<int>(big_endian(h + 16, 4)), static_cast<int>(big_endian(h + 20, 4))};
}

// Walks JPEG marker segments to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
cv::Size probe_jpeg(std::ifstream& in) {
  in.seekg(2);
  unsigned char m[4];
  while (in.read(reinterpret_cast<char*>(m), 4)) {
    if (m[0] != 0xFF) return {0, 0};
    const int marker = m[1];
    const uint32_t length = big_endian(m + 2, 2);
    const bool is_sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                        marker != 0xCC;
    if (is_sof) {
      unsigned char f[5];
      if (!in.read(reinterpret_cast<char*>(f), 5)) return {0, 0};
      return {static_cast<int>(big_endian(f + 3, 2)), static_cast<int>(big_endian(f + 1, 2))};
    }
    if (length < 2) return {0, 0};
    in.seekg(length - 2, std::ios::cur);
  }
  return {0, 0};
}

// libjpeg decodes a file cut mid-scan into a partly grey image with only a warning; a whole
// JPEG ends with the EOI marker (FF D9), possibly followed by a little padding.
bool jpeg_has_end_marker(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  const std::streamoff tail = std::min<std::streamoff>(size, 4096);
  std::string bytes(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(bytes.data(), tail);
  return bytes.rfind("\xFF\xD9") != std::string::npos;
}

// A whole PNG ends with its IEND chunk (type, then a 4-byte CRC); libpng reports a file cut
// short on stderr itself, so it is refused here first.
bool png_has_end_chunk(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  if (size < 12) return false;
  std::string bytes(8, '\0');
  in.seekg(size - 8);
  in.read(bytes.data(), 8);
  return bytes.compare(0, 4, "IEND") == 0;
}

// Whether the file starts with the two bytes `a`, `b` (0x89 'P': PNG; 0xFF 0xD8: JPEG).
bool starts_with(const std::string& path, unsigned char a, unsigned char b) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return magic[0] == a && magic[1] == b;
}

bool is_png(const std::string& path) { return starts_with(path, 0x89, 'P'); }
bool is_tiff(const std::string& path) { return starts_with(path, 'I', 'I') || starts_with(path, 'M', 'M'); }

// A TIFF's first image size from its directory (libtiff reads the IFD, not the pixels), so
// that the size limit holds before OpenCV decodes it whole. {0, 0} when libtiff cannot read
// it (OpenCV then says why). libtiff's own messages are held back: the error we raise is the
// one line the user sees.
cv::Size probe_tiff(const std::string& path) {
  const TIFFErrorHandler errors = TIFFSetErrorHandler(nullptr);
  const TIFFErrorHandler warnings = TIFFSetWarningHandler(nullptr);
  cv::Size size(0, 0);
  if (TIFF* tiff = TIFFOpen(path.c_str(), "r")) {
    uint32_t width = 0, height = 0;
    if (TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width) == 1 && TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height) == 1) {
      constexpr uint32_t kIntMax = static_cast<uint32_t>(std::numeric_limits<int>::max());
      size = cv::Size(static_cast<int>(std::min(width, kIntMax)), static_cast<int>(std::min(height, kIntMax)));
    }
    TIFFClose(tiff);
  }
  TIFFSetErrorHandler(errors);
  TIFFSetWarningHandler(warnings);
  return size;
}
bool is_jpeg(const std::string& path) { return starts_with(path, 0xFF, 0xD8); }

}  // namespace

cv::Size probe_image_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  if (!in.read(reinterpret_cast<char*>(magic), 2)) return {0, 0};
  in.seekg(0);
  if (magic[0] == 0x89 && magic[1] == 'P') return probe_png(in);
  if (magic[0] == 0xFF && magic[1] == 0xD8) return probe_jpeg(in);
  return {0, 0};
}

RasterImage::RasterImage(std::string path, double image_px_per_fullres_px, int64_t max_pixels)
    : path_(std::move(path)), scale_(image_px_per_fullres_px), max_pixels_(max_pixels) {
  STX_CHECK(scale_ > 0 && std::isfinite(scale_), ConfigError,
            "{}: image scale must be a positive number, found {}", path_, scale_);
  STX_CHECK(!is_jpeg(path_) || jpeg_has_end_marker(path_), FormatError,
            "{}: truncated JPEG (no end-of-image marker)", path_);
  cv::Size size = probe_image_size(path_);
  if (!known_size(size) && is_tiff(path_)) size = probe_tiff(path_);
  STX_CHECK(static_cast<int64_t>(size.width) * size.height <= max_pixels, FormatError,
            "{}: image header declares {} x {} = {:.0f} Mpx, above the limit of {:.0f} Mpx for "
            "images decoded whole (a decompression bomb, or a slide that belongs in a pyramidal "
            "TIFF/SVS read through OpenSlide)",
            path_, size.width, size.height, static_cast<double>(size.width) * size.height / 1e6,
            static_cast<double>(max_pixels) / 1e6);
  if (!known_size(size)) size = pixels().size();  // TIFF and others: decode now
  width_ = static_cast<int64_t>(std::llround(size.width / scale_));
  height_ = static_cast<int64_t>(std::llround(size.height / scale_));
}

double RasterImage::um_per_px() const { return std::nan(""); }

const cv::Mat& RasterImage::pixels() const {
  // Decoded once: a failure is kept and thrown again, so a damaged file read for every spot
  // is decoded (and reported) once, not once per spot.
  std::call_once(decoded_, [this] {
    try {
      rgb_ = decode();
    } catch (...) {
      failure_ = std::current_exception();
    }
  });
  if (failure_) std::rethrow_exception(failure_);
  return rgb_;
}

cv::Mat RasterImage::decode() const {
  STX_CHECK(!is_png(path_) || png_has_end_chunk(path_), FormatError,
            "{}: not a readable image (a truncated PNG: no IEND chunk at the end)", path_);
  // libjpeg and libpng directly: a corrupt scan is an error, not a grey patch, and their
  // messages become stx's one line instead of a raw one on stderr
  if (is_jpeg(path_)) return decode_jpeg_rgb(path_, max_pixels_);
  if (is_png(path_)) return decode_png_rgb(path_, max_pixels_);
  cv::Mat bgr, rgb;
  try {
    bgr = cv::imread(path_, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {  // a decoder's own error: bad input, not a crash
    throw FormatError(fmt::format("{}: not a readable image ({})", path_, e.msg));
  }
  STX_CHECK(!bgr.empty(), FormatError, "{}: not a readable image (or truncated)", path_);
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

cv::Mat RasterImage::read_region(const cv::Rect2d& region, cv::Size out_size) const {
  const cv::Mat& img = pixels();
  // The requested rectangle in this image's own pixels, padded with white where it leaves.
  const cv::Rect2d scaled(region.x * scale_, region.y * scale_, region.width * scale_,
                          region.height * scale_);
  const cv::Rect wanted(static_cast<int>(std::floor(scaled.x)),
                        static_cast<int>(std::floor(scaled.y)),
                        std::max(1, static_cast<int>(std::lround(scaled.width))),
                        std::max(1, static_cast<int>(std::lround(scaled.height))));
  cv::Mat canvas(wanted.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  const cv::Rect inside = wanted & cv::Rect(0, 0, img.cols, img.rows);
  if (inside.area() > 0) img(inside).copyTo(canvas(inside - wanted.tl()));
  if (canvas.size() == out_size) return canvas;
  cv::Mat out;
  const bool shrinking = out_size.width < canvas.cols;
  cv::resize(canvas, out, out_size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

}  // namespace stx
