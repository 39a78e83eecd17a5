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
  bool force = false;
};

/// Returns the number of objects written.
int64_t run_export(const ExportRun& run);

}  // namespace stx
