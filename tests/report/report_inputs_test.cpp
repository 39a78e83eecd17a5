// What `stx report` does with the files of a run folder that are not what stx wrote (#32):
// random bytes as a domains table, a header from another tool, a short line, a map wider than
// WebP can hold.
#include <opencv2/imgcodecs.hpp>

#include <random>

#include "domains_section.hpp"
#include "explain_section.hpp"
#include "html.hpp"
#include "tab_fields.hpp"
#include "stx/core/run_folder.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

std::string tabbed(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += cells[i] + (i + 1 < cells.size() ? "\t" : "\n");
  return line;
}

TEST(ReportInputs, CheckedTsvReadsWhatStxWroteAndRefusesTheRest) {
  test::TempDir dir;
  const std::vector<std::string> columns = {"slide", "k", "k_next", "ari", "nested"};
  const std::string good = dir / "good.tsv";
  test::write_text(good, tabbed(columns) + tabbed({"B1", "4", "5", "0.81", "0.93"}) + "\n");
  const auto rows = read_checked_tsv(good, columns);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"B1", "4", "5", "0.81", "0.93"}));

  const std::string other = dir / "other.tsv";
  test::write_text(other, "cluster\tn\n1\t5\n");
  EXPECT_STX_ERROR(read_checked_tsv(other, columns), FormatError, "other.tsv: header must be the columns slide, k");
  const std::string short_line = dir / "short.tsv";
  test::write_text(short_line, tabbed(columns) + "B1\t4\t5\n");
  EXPECT_STX_ERROR(read_checked_tsv(short_line, columns), FormatError, "short.tsv: line 2: 3 columns, expected 5");
  const std::string latin1 = dir / "latin1.tsv";
  test::write_text(latin1, tabbed(columns) + "S\xe9" "ction\t4\t5\t0.8\t0.9\n");
  EXPECT_STX_ERROR(read_checked_tsv(latin1, columns), FormatError, "latin1.tsv: line 2: not UTF-8 text");
}

TEST(ReportInputs, RandomBytesAsADomainsTableAreRefused) {
  test::TempDir dir;
  std::mt19937 rng(5);
  std::string noise(4096, '\0');
  for (auto& byte : noise) byte = static_cast<char>(rng() & 0xFF);
  test::write_text(dir / run_folder::kDomainMetrics, noise);
  EXPECT_STX_ERROR(domains_section(dir.path()), FormatError, "domains_metrics.tsv:");

  // A well-formed metrics table but a pathways table with a word where q belongs.
  test::write_text(dir / run_folder::kDomainMetrics,
        tabbed(run_folder::domain_metrics_columns()) +
            tabbed({"B1", "combined", "potts", "kmeans", "yes", "4", "0.2", "0.5", "100", "6"}));
  test::write_text(dir / run_folder::kDomainPathways, tabbed(run_folder::domain_pathways_columns()) +
                                               tabbed({"B1", "0", "20", "HYPOXIA", "0.5", "0.7", "0.8", "0.01", "low"}));
  EXPECT_STX_ERROR(domains_section(dir.path()), FormatError, "domain_pathways.tsv: column q: 'low' is not a number");
  test::write_text(dir / run_folder::kDomainPathways, tabbed(run_folder::domain_pathways_columns()) +
                                               tabbed({"B1", "0", "20", "HYPOXIA", "0.5", "0.7", "0.8", "0.01", "0.02"}));
  const std::string html = domains_section(dir.path());
  EXPECT_NE(html.find("<td>combined</td>"), std::string::npos);
  EXPECT_NE(html.find("HYPOXIA (+0.70, 0.80, 2.0e-02)"), std::string::npos) << html;
}

TEST(ReportInputs, ExplainSectionStatesTheChecksOfBothFolders) {
  test::TempDir perturb, explain;
  EXPECT_EQ(explain_section(perturb.path(), explain.path()), "");
  // Three pathways: AUROCs 1.0 and 0.8 (median 0.9), one without set genes (NaN).
  test::write_text(perturb / run_folder::kPerturbChecks,
                   tabbed(run_folder::perturb_checks_columns()) + tabbed({"HALLMARK_A", "4", "1.0", "0.5", "0.02"}) +
                       tabbed({"HALLMARK_B", "2", "0.8", "0.6", "0.05"}) + tabbed({"HALLMARK_C", "0", "NaN", "NaN", "0.01"}));
  std::string html = explain_section(perturb.path(), explain.path());
  EXPECT_NE(html.find("<td class=\"num\">0.900</td><td class=\"num\">0.550</td><td class=\"num\">1 of 2</td>"
                      "<td class=\"num\">1 of 3</td><td class=\"num\">0.05</td>"),
            std::string::npos) << html;
  test::write_text(explain / run_folder::kAttributionChecks,
                   tabbed(run_folder::attribution_checks_columns()) +
                       tabbed({"HALLMARK_A", "28", "0.12", "0.10", "2.94", "0.02", "5.4e-06", "0.85", "0.58", "1.47", "-0.17"}));
  html = explain_section(perturb.path(), explain.path());
  EXPECT_NE(html.find("<td>HALLMARK_A</td><td class=\"num\">28</td><td class=\"num\">0.1200 (0.1000)</td><td class=\"num\">+2.94</td>"
                      "<td class=\"num\">5.4e-06</td><td class=\"num\">0.85 (0.58)</td><td class=\"num\">1.47</td>"
                      "<td class=\"num\">-0.17</td>"),
            std::string::npos) << html;
  test::write_text(explain / run_folder::kAttributionChecks,
                   tabbed(run_folder::attribution_checks_columns()) +
                       tabbed({"HALLMARK_A", "28", "0.12", "0.10", "far", "0.02", "5e-6", "0.85", "0.58", "1.47", "-0.17"}));
  EXPECT_STX_ERROR(explain_section(perturb.path(), explain.path()), FormatError,
                   "attribution_checks.tsv: column change_in_training_sd: 'far' is not a number");
}

// WebP holds at most 16,383 px a side (OpenCV's encoder fails beyond it): a wider map is shown
// shrunk to fit, its aspect kept.
TEST(ReportInputs, AMapWiderThanWebpHoldsIsShownShrunk) {
  test::TempDir dir;
  const std::string path = dir / "wide.png";
  cv::Mat wide(40, 20000, CV_8UC3, cv::Scalar(30, 120, 200));
  ASSERT_TRUE(cv::imwrite(path, wide));
  const std::string figure = html::image_figure(path, "a wide map");
  EXPECT_NE(figure.find("width=\"16383\" height=\"32\""), std::string::npos) << figure.substr(0, 200);
  EXPECT_NE(figure.find("data:image/webp;base64,"), std::string::npos);
}

}  // namespace
}  // namespace stx
