#include "stx/pipeline/report.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/report/run_report.hpp"

namespace stx {
namespace fs = std::filesystem;

ReportResult run_report(ReportRun run) {
  STX_CHECK(fs::is_directory(run.folder), IoError, "{}: not a run folder", run.folder);
  if (run.output.empty()) run.output = (fs::path(run.folder) / "report.html").string();
  check_output_path(run.output, run.force);
  const std::string page = build_run_report(run.folder);
  write_text_atomically(run.output, page);
  return {run.output, page.size()};
}

std::string describe(const ReportResult& r) {
  return fmt::format("Wrote {} ({:.1f} MB, self-contained)\n", r.output, static_cast<double>(r.bytes) / 1e6);
}

}  // namespace stx
