#include "stx/train/domain_shift.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace stx {

std::vector<float> out_of_domain_share(const SlideData& spots, const ModelMetadata& m) {
  const size_t f = m.feature_mean.size(), n = static_cast<size_t>(spots.n_spots());
  if (f == 0 || m.feature_sd.size() != f || spots.features.size() != n * f) return {};
  std::vector<float> share(n);
  for (size_t i = 0; i < n; ++i) {
    size_t beyond = 0;
    for (size_t k = 0; k < f; ++k) {
      const double sd = std::max<double>(m.feature_sd[k], 1e-12);
      if (std::abs(spots.features[i * f + k] - m.feature_mean[k]) / sd > kOutOfDomainZ) ++beyond;
    }
    share[i] = static_cast<float>(static_cast<double>(beyond) / static_cast<double>(f));
  }
  return share;
}

std::string resolution_mismatch(double slide_um_per_px, const ModelMetadata& m) {
  const auto& um = m.training_um_per_px;
  if (um.size() != 2 || !(slide_um_per_px > 0)) return "";
  // a finer slide's patches are resampled down to the training scale: only coarser is a shift
  if (slide_um_per_px <= um[1] * kResolutionFactor) return "";
  const std::string trained = um[0] == um[1] ? fmt::format("{:.3g}", um[0]) : fmt::format("{:.3g}-{:.3g}", um[0], um[1]);
  return fmt::format("{:.3g} µm/px, coarser than the {} µm/px the model was trained at: its patches lack the "
                     "detail the features were learned from", slide_um_per_px, trained);
}

}  // namespace stx
