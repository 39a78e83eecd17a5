#include "stx/pipeline/export.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <set>
#include <algorithm>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/core/utf8.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/outputs/geojson.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

std::vector<std::string> domain_classes(const std::string& path, const Slide& slide, int64_t& classified) {
  TextLines in(path);
  std::string line;
  STX_CHECK(in.next(line), FormatError, "{}: empty; expected the domains.tsv of stx domains", path);
  STX_CHECK(!first_invalid_utf8(line), FormatError, "{}: not a text table; expected the domains.tsv of stx domains",
            path);
  const std::vector<std::string_view> header = split_fields(line, '\t');
  const std::vector<std::string> names(header.begin(), header.end());
  const std::vector<std::string_view> columns(names.begin(), names.end());
  const size_t slide_at = require_column(columns, "slide", in), spot_at = require_column(columns, "spot", in),
               domain_at = require_column(columns, "domain", in);
  std::vector<std::string> spots, domains;  // of this slide, as the table lists them
  std::set<std::string> slides;
  while (in.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, '\t');
    STX_CHECK(f.size() == columns.size(), FormatError, "{}: line {}: {} fields, the header has {}", path,
              in.line_number(), f.size(), columns.size());
    slides.emplace(f[slide_at]);
    if (f[slide_at] != slide.name) continue;
    const double domain = parse_double(f[domain_at], in, "domain");
    STX_CHECK(domain >= 1 && domain == std::floor(domain) && domain < 1e6, FormatError,
              "{}: line {}: domain {}; expected a whole number from 1", path, in.line_number(), domain);
    spots.emplace_back(f[spot_at]);
    domains.push_back(fmt::format("domain {}", static_cast<int64_t>(domain)));
  }
  STX_CHECK(!spots.empty(), ConfigError, "{}: no domains of slide '{}' (it holds {})", path, slide.name,
            fmt::join(slides, ", "));
  std::vector<std::string> classes(static_cast<size_t>(slide.n_spots()));
  const std::vector<int64_t> rows = slide.rows_of_spots(spots);
  for (size_t k = 0; k < rows.size(); ++k)
    if (rows[k] >= 0) classes[static_cast<size_t>(rows[k])] = domains[k];  // a spot listed twice: the last line
  classified = std::count_if(classes.begin(), classes.end(), [](const std::string& c) { return !c.empty(); });
  return classes;
}

ExportResult run_export(const ExportRun& run) {
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
  ExportResult result;
  if (!run.domains.empty()) options.classes = domain_classes(run.domains, slide, result.classified);
  AtomicFile file(run.geojson);
  write_geojson(slide, file.temp_path(), options);
  file.commit();
  result.objects = slide.n_spots();
  return result;
}

std::string describe(const ExportRun& run, const ExportResult& result) {
  return fmt::format("Wrote {} ({} objects{}; QuPath: File > Import objects)\n", run.geojson, result.objects,
                     run.domains.empty() ? "" : fmt::format(", {} classified by domain", result.classified));
}

}  // namespace stx
