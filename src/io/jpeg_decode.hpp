// JPEG decoding through libjpeg-turbo itself rather than OpenCV, because only libjpeg's
// error manager tells a clean file from one whose entropy-coded data is corrupt: libjpeg
// then warns ("Corrupt JPEG data: premature end of data segment"), fills the rest grey and
// returns an image, and OpenCV passes it on without a word. Here any such warning is an error.
#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace stx {

/// The image as 8-bit RGB; FormatError naming the file and libjpeg's message when it is
/// unreadable or its data are corrupt.
cv::Mat decode_jpeg_rgb(const std::string& path);

}  // namespace stx
