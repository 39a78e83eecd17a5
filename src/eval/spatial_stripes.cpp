#include "stx/eval/spatial_stripes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "stx/core/error.hpp"

namespace stx {
namespace {

// Rows `index` of a row-major (N, width) array; an empty array stays empty.
template <typename T>
std::vector<T> rows_of(const std::vector<T>& values, int64_t n, const std::vector<int64_t>& index) {
  if (values.empty() || n == 0) return {};
  const size_t width = values.size() / static_cast<size_t>(n);
  std::vector<T> out;
  out.reserve(index.size() * width);
  for (int64_t i : index)
    out.insert(out.end(), values.begin() + static_cast<int64_t>(static_cast<size_t>(i) * width),
               values.begin() + static_cast<int64_t>(static_cast<size_t>(i + 1) * width));
  return out;
}

}  // namespace

std::vector<SlideData> spatial_stripes(const SlideData& slide, int k) {
  const int64_t n = slide.n_spots();
  STX_CHECK(k >= 2 && n >= 10 * static_cast<int64_t>(k), ShapeError,
            "{}: {} spatial folds of {} spots; expected at least 2 folds and 10 spots per fold", slide.name, k, n);
  // across the longer side, so that each stripe is as compact as it can be
  const auto [x0, x1] = std::minmax_element(slide.x_um.begin(), slide.x_um.end());
  const auto [y0, y1] = std::minmax_element(slide.y_um.begin(), slide.y_um.end());
  const std::vector<double>& along = (*x1 - *x0) >= (*y1 - *y0) ? slide.x_um : slide.y_um;
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return along[a] < along[b]; });
  std::vector<SlideData> stripes;
  for (int s = 0; s < k; ++s) {
    std::vector<int64_t> index(order.begin() + n * s / k, order.begin() + n * (s + 1) / k);
    std::sort(index.begin(), index.end());  // the slide's own order within a stripe
    SlideData part;
    part.name = part.group = fmt::format("{}:{}/{}", slide.name, s + 1, k);
    part.feature_dim = slide.feature_dim;
    part.token_count = slide.token_count;
    part.token_dim = slide.token_dim;
    part.spot_ids = rows_of(slide.spot_ids, n, index);
    part.x_um = rows_of(slide.x_um, n, index);
    part.y_um = rows_of(slide.y_um, n, index);
    part.pixel_x = rows_of(slide.pixel_x, n, index);
    part.pixel_y = rows_of(slide.pixel_y, n, index);
    part.features = rows_of(slide.features, n, index);
    part.genes = rows_of(slide.genes, n, index);
    part.pathways = rows_of(slide.pathways, n, index);
    part.log_library_size = rows_of(slide.log_library_size, n, index);
    part.tokens = rows_of(slide.tokens, n, index);
    stripes.push_back(std::move(part));
  }
  return stripes;
}

}  // namespace stx
