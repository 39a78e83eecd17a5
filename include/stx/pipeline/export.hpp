// `stx export`: an .h5ad that stx wrote (stx predict, stx score) in a form other tools open:
// QuPath's GeoJSON objects (stx/outputs/geojson.hpp).
#pragma once

#include <string>

namespace stx {

struct ExportRun {
  std::string input;    // an .h5ad from stx predict (predicted genes in X) or stx score
  std::string geojson;  // .geojson or .geojson.gz
  std::string objects = "auto";  // auto | detection | cell
  bool no_genes = false;         // pathways only (a prediction's genes are exported by default)
  std::string domains;           // stx domains' domains.tsv: each spot's domain as its QuPath class
  bool force = false;
};

struct ExportResult {
  int64_t objects = 0;     // features written
  int64_t classified = 0;  // of them, with a domain as their class
};

ExportResult run_export(const ExportRun& run);

}  // namespace stx
