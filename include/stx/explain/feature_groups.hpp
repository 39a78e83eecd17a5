// Features in groups a pathologist can read: the builtin encoder's 60 features are 30
// measurements of the spot's own patch and the same 30 of its wider context, each of one kind
// (haematoxylin, eosin, colour, texture, nuclei, tissue). `stx explain` sums attributions by
// group, since one of 60 correlated features says less than its family.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stx {

/// "spot · nuclei", "context · texture", ...; a feature of another encoder (no scale prefix, or
/// a name the builtin encoder does not write) is in "spot · other" etc. or "all features".
std::string feature_group(const std::string& feature_name);

/// `names` cut or padded ("feature_12", ...) to `n`: a model's feature names for its `n` inputs.
std::vector<std::string> feature_names_for(const std::vector<std::string>& names, size_t n);

struct GroupAttribution {
  std::string group;
  int64_t features = 0;
  double attribution = 0;  // the sum of its features' attributions
};

/// `per_feature` summed by feature_group of `names` (same length), largest |sum| first.
std::vector<GroupAttribution> group_attributions(const std::vector<std::string>& names,
                                                 const std::vector<double>& per_feature);

}  // namespace stx
