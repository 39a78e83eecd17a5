// The spot layout the trainer tests share: 12 x 12 spots on a hexagonal grid of 100 µm pitch
// (rows offset by half a pitch), 0.5 µm per pixel, a constant library size. The tests add
// their own features and targets.
#pragma once

#include <string>

#include "stx/train/slide_data.hpp"

namespace stx::test {

inline SlideData grid_slide(const std::string& name) {
  SlideData s;
  s.name = s.group = name;
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 12; ++c) {
      s.spot_ids.push_back(std::to_string(r) + "x" + std::to_string(c));
      s.x_um.push_back(100.0 * c + (r % 2 ? 50 : 0));
      s.y_um.push_back(86.6 * r);
      s.pixel_x.push_back(s.x_um.back() / 0.5);
      s.pixel_y.push_back(s.y_um.back() / 0.5);
      s.log_library_size.push_back(8.0);
    }
  return s;
}

}  // namespace stx::test
