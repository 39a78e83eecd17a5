#include "stx/stats/fold_plan.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/ranges.h>

#include "stx/core/error.hpp"

namespace stx {

namespace {
std::vector<std::string> groups_in_order(const std::vector<SlideGroup>& slides) {
  std::vector<std::string> groups;
  for (const auto& s : slides)
    if (std::find(groups.begin(), groups.end(), s.group) == groups.end()) groups.push_back(s.group);
  return groups;
}
}  // namespace

std::vector<Fold> plan_folds(const std::vector<SlideGroup>& slides, const FoldPlanOptions& options) {
  const auto groups = groups_in_order(slides);
  const bool patients_known = groups.size() < slides.size();  // some patient has two slides
  const std::string group_protocol = !options.group_protocol.empty() ? options.group_protocol
                                     : patients_known                ? kLeaveOnePatientOut
                                                                     : kLeaveOneSlideOut;
  std::vector<Fold> folds;
  if (options.by_patient && groups.size() >= 2) {
    for (const auto& held : groups) {
      Fold fold{group_protocol, held, {}, {}};
      for (size_t i = 0; i < slides.size(); ++i) (slides[i].group == held ? fold.test : fold.train).push_back(i);
      folds.push_back(std::move(fold));
    }
  }
  if (options.by_section) {
    for (size_t i = 0; i < slides.size(); ++i) {
      Fold fold{kLeaveOneSectionOut, slides[i].slide, {}, {i}};
      for (size_t j = 0; j < slides.size(); ++j)
        if (j != i && slides[j].group == slides[i].group) fold.train.push_back(j);
      if (!fold.train.empty()) folds.push_back(std::move(fold));
    }
  }
  for (const auto& name : options.held_out)
    STX_CHECK(std::any_of(folds.begin(), folds.end(), [&](const Fold& f) { return f.held_out == name; }),
              ConfigError, "--held-out '{}': no fold holds it out (patients: {}; sections are held out only "
              "within a patient of two or more)", name, fmt::join(groups, ", "));
  if (!options.held_out.empty())
    folds.erase(std::remove_if(folds.begin(), folds.end(), [&](const Fold& f) {
                  return std::find(options.held_out.begin(), options.held_out.end(), f.held_out) ==
                         options.held_out.end();
                }), folds.end());
  STX_CHECK(!folds.empty(), ConfigError,
            "cross-validation needs two groups (patients or slides) or a patient with two sections; found {} "
            "slide(s) in {} group(s)", slides.size(), groups.size());
  return folds;
}

std::vector<int> inner_fold_ids(const std::vector<std::string>& slide_groups, const std::vector<int64_t>& spots) {
  std::vector<std::string> names;
  for (const auto& g : slide_groups)
    if (std::find(names.begin(), names.end(), g) == names.end()) names.push_back(g);
  std::vector<int> ids;
  for (size_t s = 0; s < slide_groups.size(); ++s) {
    const auto group = static_cast<size_t>(std::find(names.begin(), names.end(), slide_groups[s]) - names.begin());
    ids.insert(ids.end(), static_cast<size_t>(spots[s]), static_cast<int>(names.size() >= 2 ? group : s));
  }
  return ids;
}

std::string patient_of_section(const std::string& section) {
  size_t letters = 0;
  while (letters < section.size() && std::isalpha(static_cast<unsigned char>(section[letters]))) ++letters;
  if (letters == 0 || letters == section.size()) return "";
  for (size_t i = letters; i < section.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(section[i]))) return "";
  return section.substr(0, letters);
}

}  // namespace stx
