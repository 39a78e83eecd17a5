#include "stx/pipeline/domains.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/outputs/domain_outputs.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

// The pathway activity of a slide: obsm['pathway_activity'] when the .h5ad has it (from
// stx predict or stx score), else scored from the counts.
DenseMatrix pathway_activity(const Slide& slide, const DomainsRun& args, std::string* source,
                             bool* predicted) {
  if (const SpotMatrix* obsm = slide.find_obsm("pathway_activity"); obsm && obsm->cols > 0) {
    // stx predict marks its files with uns['stx_X']; stx score's keep counts in X.
    *predicted = slide.uns_strings.count("stx_X") > 0;
    *source = *predicted ? "predicted pathways" : "pathways";
    return DenseMatrix{slide.n_spots(), obsm->cols, {obsm->values.begin(), obsm->values.end()}};
  }
  ScoreOptions scoring;
  scoring.method = parse_score_method(args.method);
  const PathwayScores scores =
      score_pathways(slide.counts, match_gene_sets(load_gene_sets(args.gene_sets), slide.gene_symbols), scoring);
  const int64_t n_flagged = std::count(scores.flagged.begin(), scores.flagged.end(), uint8_t{1});
  STX_CHECK(n_flagged == 0, FormatError,
            "{}: {} spot(s) have no counts; remove them before clustering", slide.source_path, n_flagged);
  *source = "pathways";
  *predicted = false;
  return DenseMatrix{scores.n_spots, static_cast<int64_t>(scores.pathways.size()),
                     {scores.values.begin(), scores.values.end()}};
}

}  // namespace

void run_domains(DomainsRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  if (run.k == "silhouette") {
    run.options.k_from_labels = false;
  } else if (run.k != "auto") {
    try {
      run.options.clustering.k = std::stoi(run.k);
    } catch (const std::exception&) {
      run.options.clustering.k = -1;
    }
    STX_CHECK(run.options.clustering.k >= 2, ConfigError,
              "--k: expected an integer >= 2, 'auto' or 'silhouette', got '{}'", run.k);
  }
  check_distinct_sections(run.sections);
  const fs::path out(run.out);
  STX_CHECK(run.force || !fs::exists(out / run_folder::kDomainMetrics), ConfigError,
            "{}: already holds domains (pass --force to overwrite)", out.string());
  make_output_folder(out.string());

  std::vector<ReadOptions> inputs;
  if (run.sections.empty()) inputs.push_back(run.slide.read);
  for (const auto& s : run.sections) {
    inputs.push_back(run.slide.read);
    inputs.back().section = s;
  }
  DomainTables tables(out.string());
  fmt::print("  {:<8} {:<20} {:>9} {:>4} {:>11} {:>7}\n", "slide", "features", "smoothed", "k",
             "silhouette", "ARI");
  for (const auto& input : inputs) {
    const Slide slide = read_slide(input);
    for (const auto& note : slide.notes) log()->info("{}: {}", slide.name, note);
    std::string source;
    bool predicted = false;
    const DenseMatrix activity = pathway_activity(slide, run, &source, &predicted);
    SlideDomainOptions options = run.options;
    options.expression_baseline = !predicted;
    const SlideDomains d = slide_domains(slide, activity, source, options);

    tables.add(slide, d);
    for (const auto& r : d.runs) {
      fmt::print("  {:<8} {:<20} {:>9} {:>4} {:>11.3f} {:>7}\n", slide.name, r.features,
                 r.smoothed ? "yes" : "no", r.result.k, r.result.silhouette,
                 std::isnan(r.ari) ? "-" : fmt::format("{:.3f}", r.ari));
    }
    write_domain_figure(slide, d, out.string());
  }
  tables.commit();
  fmt::print("ARI: adjusted Rand index against the labels, on labelled spots ('undetermined' "
             "left out).\nWrote {}/domains.tsv, domains_metrics.tsv and one domains_<slide>.png "
             "per slide\n", out.string());
}

}  // namespace stx
