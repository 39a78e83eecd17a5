#include "jpeg_decode.hpp"

#include <fmt/format.h>

#include <csetjmp>
#include <cstdio>
#include <memory>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include "stx/core/error.hpp"

namespace stx {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;  // first: libjpeg sees a jpeg_error_mgr*
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  bool failed = false;
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  errors->failed = true;
  std::longjmp(errors->jump, 1);
}

// Level -1 is a warning: corrupt data that libjpeg would paper over. Keep the first message
// and stop. Levels >= 0 are trace messages.
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  on_error(cinfo);
}

// Print CMYK to screen RGB the way Adobe's files mean it: an Adobe marker says the channels
// are stored inverted (255 = no ink), as Photoshop writes them; without one they hold ink.
// Each colour is what its ink and the black ink leave of white.
cv::Mat cmyk_to_rgb(const cv::Mat& cmyk, bool inverted) {
  cv::Mat rgb(cmyk.size(), CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) {
    const auto* in = cmyk.ptr<cv::Vec4b>(y);
    auto* pixel = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < cmyk.cols; ++x) {
      const cv::Vec4b ink = inverted ? cv::Vec4b(255 - in[x][0], 255 - in[x][1], 255 - in[x][2], 255 - in[x][3]) : in[x];
      for (int c = 0; c < 3; ++c) pixel[x][c] = static_cast<unsigned char>(((255 - ink[c]) * (255 - ink[3]) + 127) / 255);
    }
  }
  return rgb;
}

// Runs the decode between setjmp and the calls that may longjmp; only trivially destructible
// state lives in this frame, so the jump skips no destructor.
bool decode(std::FILE* file, int64_t max_pixels, ErrorManager& errors, jpeg_decompress_struct& cinfo, cv::Mat& out) {
  if (setjmp(errors.jump)) return false;
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, file);
  jpeg_read_header(&cinfo, TRUE);
  if (static_cast<int64_t>(cinfo.image_width) * cinfo.image_height > max_pixels) {
    std::snprintf(errors.message, sizeof errors.message,
                  "its frame declares %u x %u = %.0f Mpx, above the limit of %.0f Mpx for images decoded whole",
                  cinfo.image_width, cinfo.image_height,
                  static_cast<double>(cinfo.image_width) * cinfo.image_height / 1e6,
                  static_cast<double>(max_pixels) / 1e6);
    return false;
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  // libjpeg converts CMYK to nothing but CMYK: decode the four channels, then mix them here.
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out.create(static_cast<int>(cinfo.output_height), static_cast<int>(cinfo.output_width), cmyk ? CV_8UC4 : CV_8UC3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.ptr<unsigned char>(static_cast<int>(cinfo.output_scanline));
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  if (cmyk) out = cmyk_to_rgb(out, cinfo.saw_Adobe_marker != 0);
  jpeg_finish_decompress(&cinfo);
  return true;
}

}  // namespace

cv::Mat decode_jpeg_rgb(const std::string& path, int64_t max_pixels) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  STX_CHECK(file != nullptr, IoError, "{}: cannot open the image", path);
  ErrorManager errors;
  jpeg_decompress_struct cinfo;
  cinfo.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = on_error;
  errors.base.emit_message = on_message;
  cv::Mat out;
  const bool ok = decode(file.get(), max_pixels, errors, cinfo, out);
  jpeg_destroy_decompress(&cinfo);
  STX_CHECK(ok, FormatError, "{}: not a readable JPEG ({})", path, errors.message);
  return out;
}

}  // namespace stx
