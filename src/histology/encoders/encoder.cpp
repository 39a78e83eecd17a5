#include "stx/histology/encoders/encoder.hpp"

namespace stx {

std::vector<float> Encoder::encode(const Slide& slide, std::vector<uint8_t>& off_image) const {
  Progress progress("encode", slide.n_spots());
  return encode_spots(slide, 0, slide.n_spots(), off_image, progress);
}

}  // namespace stx
