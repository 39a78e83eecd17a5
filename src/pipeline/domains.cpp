#include "stx/pipeline/domains.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/outputs/domain_outputs.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

// The pathway activity of a slide: obsm['pathway_activity'] when the .h5ad has it (from
// stx predict or stx score), else scored from the counts.
DenseMatrix pathway_activity(const Slide& slide, const DomainsRun& args, std::string* source,
                             bool* predicted, std::vector<std::string>* names) {
  if (const SpotMatrix* obsm = slide.find_obsm("pathway_activity"); obsm && obsm->cols > 0) {
    // stx predict marks its files with uns['stx_X']; stx score's keep counts in X.
    *predicted = slide.uns_strings.count("stx_X") > 0;
    *source = *predicted ? "predicted pathways" : "pathways";
    const auto listed = slide.uns_lists.find("pathway_names");
    if (listed != slide.uns_lists.end() && static_cast<int64_t>(listed->second.size()) == obsm->cols) {
      *names = listed->second;
    } else {
      names->clear();
      for (int64_t c = 0; c < obsm->cols; ++c) names->push_back(fmt::format("pathway {}", c + 1));
    }
    // k-means and the heatmaps need a number for every spot (OpenCV's k-means asserts on NaN)
    for (int64_t r = 0; r < slide.n_spots(); ++r)
      for (int64_t c = 0; c < obsm->cols; ++c)
        STX_CHECK(std::isfinite(obsm->values[static_cast<size_t>(r * obsm->cols + c)]), FormatError,
                  "{}: obsm['pathway_activity'] is NaN or infinite at spot '{}' ({}): expected a finite activity "
                  "for every spot; remove that spot", slide.source_path, slide.spot_ids[static_cast<size_t>(r)],
                  (*names)[static_cast<size_t>(c)]);
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
  *names = scores.pathways;
  return DenseMatrix{scores.n_spots, static_cast<int64_t>(scores.pathways.size()),
                     {scores.values.begin(), scores.values.end()}};
}

// The named choices (--features, --spatial, --cluster, --k) into the options.
void parse_choices(DomainsRun& run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  run.options.method = {run.features == "auto" ? DomainFeatures::kExpression : domain_features().parse(run.features),
                        domain_spatial().parse(run.spatial), domain_clusterings().parse(run.cluster)};
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
}

}  // namespace

DomainsResult run_domains(DomainsRun run) {
  parse_choices(run);
  const bool auto_features = run.features == "auto";
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
  // Every slide is read before any is clustered, so that a missing section or a bad file
  // stops the run at once rather than after the slides before it.
  std::vector<Slide> slides;
  for (const auto& input : inputs) {
    slides.push_back(read_slide(input));
    for (const auto& note : slides.back().notes) log()->info("{}: {}", slides.back().name, note);
    for (const auto& warning : slides.back().warnings) log()->warn("{}: {}", slides.back().name, warning);
  }
  DomainTables tables(out.string());
  DomainsResult result;
  result.out = out.string();
  for (const Slide& slide : slides) {
    std::string source;
    bool predicted = false;
    std::vector<std::string> names;
    const DenseMatrix activity = pathway_activity(slide, run, &source, &predicted, &names);
    SlideDomainOptions options = run.options;
    options.x_is_counts = !predicted;
    // On a prediction, the predicted pathways alone agree best with the domains of the
    // measured expression (docs/domains.md, "Slides without counts").
    if (auto_features && predicted) options.method.features = DomainFeatures::kPathways;
    const SlideDomains d = slide_domains(slide, activity, source, options);

    const DomainRun& chosen = d.runs.front();
    const DomainSummary summary = summarise_domains(activity, chosen.result.labels, chosen.result.k);
    tables.add(slide, d, summary, names);
    for (const auto& r : d.runs)
      result.rows.push_back({slide.name, r.chosen, describe(r), r.result.k, r.result.silhouette, r.ari});
    for (const auto& s : d.stability)
      log()->info("{}: domains at k = {} and {}: ARI {:.3f}, {:.0f}% of spots nested", slide.name, s.k,
                  s.k + 1, s.ari, 100 * s.nested);
  }
  tables.commit();
  return result;
}

std::string describe(const DomainsResult& result) {
  std::string text = fmt::format("  {:<6} {:1} {:<54} {:>3} {:>10} {:>7}\n", "slide", "",
                                 "features, spatial step, clustering", "k", "silhouette", "ARI");
  for (const auto& r : result.rows)
    text += fmt::format("  {:<6} {:1} {:<54} {:>3} {:>10.3f} {:>7}\n", r.slide, r.chosen ? "*" : "",
                        r.description, r.k, r.silhouette, std::isnan(r.ari) ? "-" : fmt::format("{:.3f}", r.ari));
  text += fmt::format(
      "*: the domains asked for (--features, --spatial, --cluster); the other rows compare.\n"
      "ARI: adjusted Rand index against the labels, on labelled spots ('undetermined' "
      "left out).\nWrote {}/domains.tsv, domains_metrics.tsv, domain_pathways.tsv, "
      "domains_stability.tsv, and per slide domains_<slide>.png and domain_heatmap_<slide>.png\n",
      result.out);
  return text;
}

}  // namespace stx
