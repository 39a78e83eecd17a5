#include "stx/pipeline/export.hpp"

#include "stx/core/error.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/io/read_slide.hpp"
#include "stx/outputs/geojson.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

int64_t run_export(const ExportRun& run) {
  STX_CHECK(!run.geojson.empty(), ConfigError, "export: nothing to write; give --geojson FILE");
  STX_CHECK(run.objects == "auto" || run.objects == "detection" || run.objects == "cell", ConfigError,
            "--objects: choose auto, detection or cell, found '{}'", run.objects);
  check_output_path(run.geojson, run.force);
  ReadOptions read;
  read.input = run.input;
  const Slide slide = read_slide(read);
  GeoJsonOptions options;
  options.objects = run.objects == "auto"   ? geojson_objects_of(slide)
                    : run.objects == "cell" ? GeoJsonObjects::kCell
                                            : GeoJsonObjects::kDetection;
  // a prediction's X is its predicted genes; a measured slide's X is every raw count
  options.genes = !run.no_genes && slide.uns_strings.count("stx_X") > 0;
  options.gzip = is_gzip_name(run.geojson);
  AtomicFile file(run.geojson);
  write_geojson(slide, file.temp_path(), options);
  file.commit();
  return slide.n_spots();
}

}  // namespace stx
