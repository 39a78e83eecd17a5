// Which slides train and which are held out in each cross-validation fold, for the two
// protocols `stx evaluate` runs side by side:
//   leave one patient out   every group (patient) in turn is held out whole; the model trains
//                           on every other patient's slides. What a user sees on a new patient.
//   leave one section out   within a patient with two or more sections: each section in turn
//                           is held out, and the model trains on that patient's other sections
//                           only (siblings share the patient, so this overstates a new patient).
// When every slide is its own group (no patients known), the first protocol is plain
// leave-one-slide-out and the second has no folds. The plan is data, so tests assert on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stx {

inline constexpr const char* kLeaveOnePatientOut = "leave one patient out";
inline constexpr const char* kLeaveOneSectionOut = "leave one section out within a patient";
inline constexpr const char* kLeaveOneSlideOut = "leave one slide out (patients unknown)";
inline constexpr const char* kLeaveOneStripeOut = "leave one spatial stripe of one slide out";

struct SlideGroup {
  std::string slide;  // section name
  std::string group;  // patient (or the slide itself when unknown)
};

struct Fold {
  std::string protocol;              // one of the constants above
  std::string held_out;              // the held-out group (patient) or section
  std::vector<size_t> train, test;   // indices into the slides
};

struct FoldPlanOptions {
  bool by_patient = true;    // run the leave-one-patient-out folds
  bool by_section = true;    // run the within-patient leave-one-section-out folds
  std::vector<std::string> held_out;  // when set: only folds whose held-out name is listed
  // when set: the name of the leave-one-group-out folds, for groups that are neither patients
  // nor slides (kLeaveOneStripeOut: stripes of one slide, eval/spatial_stripes.hpp)
  std::string group_protocol;
};

/// The folds of both protocols, in slide order: leave-one-patient-out first. ConfigError
/// when no fold remains, or a `held_out` name matches no fold.
std::vector<Fold> plan_folds(const std::vector<SlideGroup>& slides, const FoldPlanOptions& options = {});

/// Per-spot fold ids for an inner cross-validation over training slides (a ridge penalty, the
/// linear path's rank): the slide's group when the slides span two or more groups, else the
/// slide itself (a within-patient fold has one group). `spots[s]` rows for slide s.
std::vector<int> inner_fold_ids(const std::vector<std::string>& slide_groups, const std::vector<int64_t>& spots);

/// The patient of a section named like HER2ST's (`B4` -> `B`: letters then digits); empty
/// when the name has another shape.
std::string patient_of_section(const std::string& section);

}  // namespace stx
