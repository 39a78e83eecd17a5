// `stx export`: an .h5ad that stx wrote (stx predict, stx score) in a form other tools open:
// QuPath's GeoJSON objects (stx/outputs/geojson.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"

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

/// "Wrote FILE (N objects; QuPath: File > Import objects)", as stx export prints it.
std::string describe(const ExportRun& run, const ExportResult& result);

/// Each spot's chosen domain from `stx domains`' domains.tsv (slide, spot, ..., domain, ...), as
/// the domain maps name it ("domain 3"); "" for a spot the table does not hold. `classified`
/// receives how many spots have one; ConfigError when the table holds none of `slide`'s.
std::vector<std::string> domain_classes(const std::string& path, const Slide& slide, int64_t& classified);

}  // namespace stx
