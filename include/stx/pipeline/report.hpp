// `stx report`: one self-contained HTML file from a run folder (see run_report.hpp for what it
// gathers). Refuses a folder without metrics, and an existing output without --force.
#pragma once

#include <cstddef>
#include <string>

namespace stx {

struct ReportRun {
  std::string folder;
  std::string output;  // default: FOLDER/report.html
  bool force = false;
};

struct ReportResult {
  std::string output;  // the HTML file written
  size_t bytes = 0;
};

ReportResult run_report(ReportRun run);

/// What `stx report` prints of a result: the page written and its size.
std::string describe(const ReportResult& result);

}  // namespace stx
