// The fold plan of `stx evaluate`: patients are inferred from HER2ST section names, a held-out
// patient never has a section in its training fold, and the within-patient folds train on the
// held-out section's siblings only.
#include "stx/stats/fold_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "stx/core/error.hpp"
#include "stx/io/slide/slide_groups.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

std::vector<SlideGroup> her2st_like() {
  std::vector<SlideGroup> slides;
  for (const std::string s : {"C2", "C3", "C4", "C5", "B4", "A1"}) slides.push_back({s, patient_of_section(s)});
  return slides;
}

std::set<std::string> names(const std::vector<SlideGroup>& slides, const std::vector<size_t>& index) {
  std::set<std::string> out;
  for (size_t i : index) out.insert(slides[i].slide);
  return out;
}

TEST(FoldPlan, PatientIsTheSectionsLetters) {
  EXPECT_EQ(patient_of_section("B4"), "B");
  EXPECT_EQ(patient_of_section("C12"), "C");
  EXPECT_EQ(patient_of_section("AB3"), "AB");
  EXPECT_EQ(patient_of_section("B"), "");
  EXPECT_EQ(patient_of_section("4B"), "");
  EXPECT_EQ(patient_of_section("B4_x"), "");
  EXPECT_EQ(patient_of_section("sample"), "");
}

TEST(FoldPlan, NoSectionOfAHeldOutPatientIsEverInItsTrainingFold) {
  const auto slides = her2st_like();
  const auto folds = plan_folds(slides);
  int by_patient = 0, by_section = 0;
  for (const auto& fold : folds) {
    std::set<std::string> train_patients, test_patients;
    for (size_t i : fold.train) train_patients.insert(slides[i].group);
    for (size_t i : fold.test) test_patients.insert(slides[i].group);
    for (size_t i : fold.train) EXPECT_EQ(std::count(fold.test.begin(), fold.test.end(), i), 0);
    if (fold.protocol == kLeaveOnePatientOut) {
      ++by_patient;
      EXPECT_EQ(test_patients, std::set<std::string>{fold.held_out});
      EXPECT_EQ(train_patients.count(fold.held_out), 0u) << fold.held_out;
      EXPECT_EQ(fold.train.size() + fold.test.size(), slides.size());
    } else {
      ++by_section;
      EXPECT_EQ(fold.protocol, kLeaveOneSectionOut);
      ASSERT_EQ(fold.test.size(), 1u);
      EXPECT_EQ(slides[fold.test[0]].slide, fold.held_out);
      EXPECT_EQ(train_patients, test_patients) << "within-patient folds train on siblings only";
    }
  }
  EXPECT_EQ(by_patient, 3);  // C, B, A
  EXPECT_EQ(by_section, 4);  // C2..C5: B and A have one section each
  EXPECT_EQ(folds[0].held_out, "C");
  EXPECT_EQ(names(slides, folds[1].test), (std::set<std::string>{"B4"}));
  EXPECT_EQ(names(slides, folds[1].train), (std::set<std::string>{"C2", "C3", "C4", "C5", "A1"}));
  EXPECT_EQ(names(slides, folds[3].train), (std::set<std::string>{"C3", "C4", "C5"}));
}

TEST(FoldPlan, ProtocolsAndHeldOutSelectFolds) {
  const auto slides = her2st_like();
  FoldPlanOptions patients_only;
  patients_only.by_section = false;
  patients_only.held_out = {"B"};
  const auto folds = plan_folds(slides, patients_only);
  ASSERT_EQ(folds.size(), 1u);
  EXPECT_EQ(folds[0].protocol, kLeaveOnePatientOut);
  EXPECT_EQ(names(slides, folds[0].test), (std::set<std::string>{"B4"}));
  FoldPlanOptions sections_only;
  sections_only.by_patient = false;
  EXPECT_EQ(plan_folds(slides, sections_only).size(), 4u);
  FoldPlanOptions unknown;
  unknown.held_out = {"Z"};
  EXPECT_STX_ERROR(plan_folds(slides, unknown), ConfigError, "--held-out 'Z': no fold holds it out");
}

TEST(FoldPlan, WithoutPatientsEverySlideIsHeldOutAlone) {
  const std::vector<SlideGroup> slides = {{"s1", "s1"}, {"s2", "s2"}, {"s3", "s3"}};
  const auto folds = plan_folds(slides);
  ASSERT_EQ(folds.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(folds[k].protocol, kLeaveOneSlideOut);
    EXPECT_EQ(folds[k].test, std::vector<size_t>{k});
    EXPECT_EQ(folds[k].train.size(), 2u);
  }
  const std::vector<SlideGroup> one = {{"s1", "p"}};
  EXPECT_STX_ERROR(plan_folds(one), ConfigError, "needs two groups");
  // groups of another kind (stripes of one slide) name their folds as told
  FoldPlanOptions stripes;
  stripes.group_protocol = kLeaveOneStripeOut;
  for (const Fold& fold : plan_folds(slides, stripes)) EXPECT_EQ(fold.protocol, kLeaveOneStripeOut);
}

TEST(FoldPlan, InnerFoldsAreGroupsOrElseSlides) {
  // two patients: one fold per patient, in order of appearance
  EXPECT_EQ(inner_fold_ids({"C", "B", "C"}, {2, 1, 3}), (std::vector<int>{0, 0, 1, 0, 0, 0}));
  // one patient (a within-patient fold): one fold per slide
  EXPECT_EQ(inner_fold_ids({"C", "C", "C"}, {1, 2, 1}), (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(inner_fold_ids({"C"}, {2}), (std::vector<int>{0, 0}));
}

TEST(SlideGroups, ReadsATableWithPatientOrGroupColumns) {
  const std::string path = testing::TempDir() + "/groups.tsv";
  std::ofstream(path) << "sample\tslide\tpatient\nx\tC2\tP1\ny\tB4\tP2\n";
  const auto pairs = read_slide_groups(path);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"C2", "P1"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"B4", "P2"}));
  std::ofstream(path) << "slide\tgroup\nC2\tg\n";
  EXPECT_EQ(read_slide_groups(path).front().second, "g");
  std::ofstream(path) << "slide\tsite\nC2\tg\n";
  EXPECT_STX_ERROR(read_slide_groups(path), FormatError, "no 'patient' or 'group' column");
  std::ofstream(path) << "slide\tpatient\nC2\tg\nC2\th\n";
  EXPECT_STX_ERROR(read_slide_groups(path), FormatError, "line 3: slide 'C2' is listed twice");
  std::ofstream(path) << "slide\tpatient\nC2\t\n";
  EXPECT_STX_ERROR(read_slide_groups(path), FormatError, "line 2: expected a slide and a group");
}

}  // namespace
}  // namespace stx
