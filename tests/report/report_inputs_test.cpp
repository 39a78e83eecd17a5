// What `stx report` does with the files of a run folder that are not what stx wrote (#32):
// random bytes as a domains table, a header from another tool, a short line, a map wider than
// WebP can hold.
#include <opencv2/imgcodecs.hpp>

#include <random>

#include "domains_section.hpp"
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
