// QuPath's GeoJSON (0.4 and later, what its PathObjectTypeAdapters write and read): one Feature
// per spot or cell of a slide, a closed polygon in full-resolution image pixels (a circle of
// the spot's diameter), properties.objectType "detection" (spots, pseudo-spots) or "cell",
// properties.measurements {name: value} with every pathway activity and gene value the slide
// carries. Written as a stream (one feature at a time, bounded memory), plain or gzip.
#pragma once

#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"

namespace stx {

enum class GeoJsonObjects { kDetection, kCell };

struct GeoJsonOptions {
  GeoJsonObjects objects = GeoJsonObjects::kDetection;
  int vertices = 24;       // of each circle
  bool genes = true;       // the slide's X (predicted expression) as measurements too
  bool gzip = false;       // gzip-compressed (for a name ending in .gz: see is_gzip_name)
  // (N) or empty: each spot's class ("" = none), written as properties.classification with the
  // colour the domain maps give that name
  std::vector<std::string> classes;
};

/// Whether an output named `path` should be gzip-compressed (it ends in .gz).
bool is_gzip_name(const std::string& path);

/// The objects a slide's spots are: cells when their diameter is under 20 µm (a nucleus or
/// cell; Visium and ST spots are 55 and 100 µm), else detections.
GeoJsonObjects geojson_objects_of(const Slide& slide);

/// Features of `slide`'s spots: obsm['pathway_activity'] (named by uns['pathway_names']) and,
/// with options.genes, X by gene symbol. Needs pixel coordinates; a value that is not finite is
/// left out of its feature's measurements (JSON has no NaN). Writes `path` directly: callers
/// stage it (StagedFiles) or write through an AtomicFile.
void write_geojson(const Slide& slide, const std::string& path, const GeoJsonOptions& options = {});

}  // namespace stx
