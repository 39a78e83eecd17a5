// JPEG decoding through libjpeg-turbo itself rather than OpenCV, because only libjpeg's
// error manager tells a clean file from one whose entropy-coded data is corrupt: libjpeg
// then warns ("Corrupt JPEG data: premature end of data segment"), fills the rest grey and
// returns an image, and OpenCV passes it on without a word. Here any such warning is an error.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>

namespace stx {

/// The image as 8-bit RGB; FormatError naming the file and libjpeg's message when it is
/// unreadable or its data are corrupt, and when the frame libjpeg reads declares more than
/// `max_pixels` (checked before anything is allocated: stx's own header probe can miss a
/// frame that libjpeg still finds, as fuzz_image showed with a 939 Mpx one).
cv::Mat decode_jpeg_rgb(const std::string& path, int64_t max_pixels);

}  // namespace stx
