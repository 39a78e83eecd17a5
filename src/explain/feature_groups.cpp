#include "stx/explain/feature_groups.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <utility>

#include "stx/core/error.hpp"

namespace stx {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// What one of the builtin encoder's patch measurements measures (patch_feature_names).
std::string measurement_kind(const std::string& m) {
  if (starts_with(m, "H_")) return "haematoxylin";
  if (starts_with(m, "E_")) return "eosin";
  if (starts_with(m, "L_") || starts_with(m, "a_") || starts_with(m, "b_")) return "colour";
  if (starts_with(m, "gradient") || starts_with(m, "laplacian") || starts_with(m, "glcm")) return "texture";
  if (starts_with(m, "nuclear_") || starts_with(m, "nuclei_") || starts_with(m, "nucleus_")) return "nuclei";
  if (m == "tissue_fraction") return "tissue";
  return "other";
}

}  // namespace

std::string feature_group(const std::string& name) {
  for (const char* scale : {"spot", "context"}) {
    const std::string prefix = std::string(scale) + "_";
    if (starts_with(name, prefix)) return std::string(scale) + " \xC2\xB7 " + measurement_kind(name.substr(prefix.size()));
  }
  return "all features";
}

std::vector<std::string> feature_names_for(const std::vector<std::string>& names, size_t n) {
  std::vector<std::string> out(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min(n, names.size())));
  for (size_t f = out.size(); f < n; ++f) out.push_back("feature_" + std::to_string(f));
  return out;
}

std::vector<GroupAttribution> group_attributions(const std::vector<std::string>& names,
                                                 const std::vector<double>& per_feature) {
  STX_CHECK(names.size() == per_feature.size(), ShapeError, "group_attributions: {} names for {} features",
            names.size(), per_feature.size());
  std::map<std::string, GroupAttribution> by_group;
  for (size_t f = 0; f < names.size(); ++f) {
    GroupAttribution& g = by_group[feature_group(names[f])];
    g.group = feature_group(names[f]);
    ++g.features;
    g.attribution += per_feature[f];
  }
  std::vector<GroupAttribution> out;
  for (auto& [group, g] : by_group) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const GroupAttribution& a, const GroupAttribution& b) {
    return std::abs(a.attribution) > std::abs(b.attribution);
  });
  return out;
}

}  // namespace stx
