#include "stx/eval/spatial_stripes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "stx/core/error.hpp"

namespace stx {

std::vector<SlideData> spatial_stripes(const SlideData& slide, int k) {
  const int64_t n = slide.n_spots();
  STX_CHECK(k >= 2 && n >= 10 * static_cast<int64_t>(k), ShapeError,
            "{}: {} spatial folds of {} spots; expected at least 2 folds and 10 spots per fold", slide.name(), k, n);
  // across the longer side, so that each stripe is as compact as it can be
  const std::vector<double> x_um = slide.x_um(), y_um = slide.y_um();
  const auto [x0, x1] = std::minmax_element(x_um.begin(), x_um.end());
  const auto [y0, y1] = std::minmax_element(y_um.begin(), y_um.end());
  const std::vector<double>& along = (*x1 - *x0) >= (*y1 - *y0) ? x_um : y_um;
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return along[a] < along[b]; });
  std::vector<SlideData> stripes;
  for (int s = 0; s < k; ++s) {
    std::vector<int64_t> index(order.begin() + n * s / k, order.begin() + n * (s + 1) / k);
    std::sort(index.begin(), index.end());  // the slide's own order within a stripe
    SlideData part = slide.select_spots(index);
    part.spots.name = part.group = fmt::format("{}:{}/{}", slide.name(), s + 1, k);
    stripes.push_back(std::move(part));
  }
  return stripes;
}

}  // namespace stx
