#include "png_decode.hpp"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "stx/core/error.hpp"

namespace stx {
namespace {

struct ErrorState {
  char message[256] = {};
};

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<ErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

// Warnings (an ancillary chunk's bad CRC, an sRGB profile libpng dislikes) leave the pixels
// whole: say nothing, as OpenCV's callers saw nothing either.
void on_warning(png_structp, png_const_charp) {}

// Runs the decode between setjmp and the calls that may longjmp; only trivially destructible
// state lives in this frame, so the jump skips no destructor (`out` and `rows`, one pointer
// per row sized from the header, belong to the caller).
bool decode(std::FILE* file, png_structp png, png_infop info, ErrorState& errors, cv::Mat& out,
            std::vector<png_bytep>& rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  if (height != rows.size()) {
    std::snprintf(errors.message, sizeof errors.message, "its header changed while it was read");
    return false;
  }
  const int colour = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
  if (depth == 16) png_set_strip_16(png);  // the high byte, as OpenCV's 8-bit read keeps
  if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if ((colour & PNG_COLOR_MASK_COLOR) == 0 && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if ((colour & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
  if (colour & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  out.create(static_cast<int>(height), static_cast<int>(width), CV_8UC3);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = out.ptr<png_byte>(static_cast<int>(y));
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  return true;
}

struct Declared {
  int64_t width = 0, height = 0;
};

// IHDR's size, read before libpng sees the file, so that the limit holds before anything is
// allocated and the row pointers are sized outside the setjmp frame; the file is rewound after.
// Zero when the signature or IHDR is missing.
Declared declared_size(std::FILE* file) {
  unsigned char head[24];
  const bool read = std::fread(head, 1, sizeof head, file) == sizeof head;
  std::rewind(file);
  if (!read || png_sig_cmp(head, 0, 8) != 0 || std::memcmp(head + 12, "IHDR", 4) != 0) return {};
  const auto big_endian = [&](int at) {
    return (int64_t{head[at]} << 24) | (int64_t{head[at + 1]} << 16) | (int64_t{head[at + 2]} << 8) | head[at + 3];
  };
  return {big_endian(16), big_endian(20)};
}

}  // namespace

cv::Mat decode_png_rgb(const std::string& path, int64_t max_pixels) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  STX_CHECK(file != nullptr, IoError, "{}: cannot open the image", path);
  const Declared size = declared_size(file.get());
  STX_CHECK(size.width > 0 && size.height > 0, FormatError, "{}: not a readable PNG (no PNG signature and header)",
            path);
  // PNG's sizes are at most 2^31 - 1 (found by fuzz_image: 2^32 - 1 by 2^32 - 1 overflowed the product)
  STX_CHECK(size.width <= PNG_UINT_31_MAX && size.height <= PNG_UINT_31_MAX, FormatError,
            "{}: not a readable PNG (its header declares {} x {} px; PNG allows at most 2^31 - 1 a side)", path,
            size.width, size.height);
  STX_CHECK(size.width * size.height <= max_pixels, FormatError,
            "{}: its header declares {} x {} = {:.0f} Mpx, above the limit of {:.0f} Mpx for images decoded whole",
            path, size.width, size.height, static_cast<double>(size.width * size.height) / 1e6,
            static_cast<double>(max_pixels) / 1e6);
  ErrorState errors;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &errors, on_error, on_warning);
  STX_CHECK(png != nullptr, IoError, "{}: libpng could not start", path);
  png_infop info = png_create_info_struct(png);
  std::vector<png_bytep> rows(static_cast<size_t>(size.height));
  cv::Mat out;
  const bool ok = info != nullptr && decode(file.get(), png, info, errors, out, rows);
  png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  STX_CHECK(ok, FormatError, "{}: not a readable PNG ({})", path, errors.message);
  return out;
}

}  // namespace stx
