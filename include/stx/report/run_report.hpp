// The HTML report of a run folder: one self-contained file (styles inline, figures embedded
// as base64 PNG, no script, nothing fetched) that a browser opens offline. It gathers what
// the commands wrote into the folder:
//   cv_metrics.tsv                      stx evaluate -o RUN        (required)
//   run.json                            a flat {"key": "value"} run summary (stx demo)
//   maps/*.png                          stx predict --maps RUN/maps
//   domains/domains_metrics.tsv, *.png  stx domains -o RUN/domains
#pragma once

#include <string>

namespace stx {

/// The report's HTML. FormatError naming the file when cv_metrics.tsv is missing or malformed.
std::string build_run_report(const std::string& run_dir);

}  // namespace stx
