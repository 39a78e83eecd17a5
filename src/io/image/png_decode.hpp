// PNG decoding through libpng itself rather than OpenCV: OpenCV leaves libpng's default error
// handler in place, which prints "libpng error: ..." to stderr before OpenCV returns an empty
// image, so a damaged PNG gave a raw library line beside stx's own. Here libpng's message
// becomes the FormatError's text, and nothing is printed.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace stx {

/// The image as 8-bit RGB, with OpenCV's IMREAD_COLOR conversions (16-bit channels keep their
/// high byte, alpha is dropped, grey and palette images expand to RGB); FormatError naming the
/// file and libpng's message when it is unreadable, and when its header declares more than
/// `max_pixels` (checked before anything is allocated).
cv::Mat decode_png_rgb(const std::string& path, int64_t max_pixels);

}  // namespace stx
