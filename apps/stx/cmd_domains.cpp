// `stx domains`: spatial domains from pathway activity — measured (scored from the counts) or
// predicted (obsm['pathway_activity'] of an `stx predict` output) — beside the expression-PCA
// baseline, scored against pathologist labels when the slide has them. Writes per-spot
// domains, a metrics table and one map figure per slide.
#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/core/log.hpp"
#include "stx/domains/slide_domains.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct DomainArgs {
  SlideArgs slide;
  std::vector<std::string> sections;
  std::string k = "auto";
  std::string method = "rank";
  std::string gene_sets = "hallmarks";
  SlideDomainOptions options;
  std::string out;
  bool force = false;
};

// The pathway activity of a slide: obsm['pathway_activity'] when the .h5ad has it (from
// stx predict or stx score), else scored from the counts.
DenseMatrix pathway_activity(const Slide& slide, const DomainArgs& args, std::string* source,
                             bool* predicted) {
  if (slide.source_format == "h5ad") {
    const auto obsm = read_h5ad_obsm(slide.source_path, "pathway_activity");
    if (obsm.n_cols > 0) {
      // stx predict marks its files with uns['stx_X']; stx score's keep counts in X.
      *predicted = h5ad_has(slide.source_path, "/uns/stx_X");
      *source = *predicted ? "predicted pathways" : "pathways";
      DenseMatrix m{slide.n_spots(), obsm.n_cols, {obsm.values.begin(), obsm.values.end()}};
      return m;
    }
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

std::string column_name(const DomainRun& r) {
  std::string name = r.features;
  std::replace(name.begin(), name.end(), ' ', '_');
  return r.smoothed ? name : name + "_unsmoothed";
}

cv::Mat domain_figure(const Slide& slide, const SlideDomains& d) {
  SpotGeometry geometry{slide.pixel_x, slide.pixel_y, slide.spot_diameter_px, slide.um_per_px,
                        slide.image};
  MapStyle style;
  style.map_width_px = 360;
  const MapCanvas canvas(geometry, style);
  std::vector<cv::Mat> panels;
  if (d.labelled_spots > 0) panels.push_back(canvas.categorical(slide.labels, "Pathologist labels"));
  for (const auto& r : d.runs) {
    if (!r.smoothed) continue;
    std::vector<std::string> names;
    for (int l : r.result.labels) names.push_back(fmt::format("domain {}", l + 1));
    const std::string score = std::isnan(r.ari) ? fmt::format("silhouette {:.2f}", r.result.silhouette)
                                                : fmt::format("ARI {:.3f}", r.ari);
    panels.push_back(canvas.categorical(names, fmt::format("{} (k = {})", r.features, r.result.k), score));
  }
  return with_heading(hstack_panels(panels), fmt::format("{}: spatial domains", slide.name));
}
}  // namespace

Action add_domains(CLI::App& app) {
  auto args = std::make_shared<DomainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "domains", "Spatial domains from pathway activity, beside an expression-PCA baseline");
  add_slide_options(cmd, args->slide);
  cmd->add_option("--sections", args->sections, "Legacy ST dataset folder: sections to use")
      ->delimiter(',');
  cmd->add_option("--k", args->k,
                  "Number of domains, or 'silhouette'; 'auto' = the number of label classes "
                  "when the slide has labels, else silhouette")
      ->capture_default_str();
  cmd->add_option("--k-max", args->options.clustering.k_max, "Largest k tried by silhouette")
      ->capture_default_str();
  cmd->add_option("--smoothing", args->options.clustering.smoothing,
                  "Weight of the neighbours' mean per smoothing round")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--rounds", args->options.clustering.smoothing_rounds, "Smoothing rounds")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--method", args->method, "Pathway scoring method for measured slides")
      ->capture_default_str();
  cmd->add_option("--genesets", args->gene_sets, "'hallmarks' or a GMT file")->capture_default_str();
  cmd->add_option("--seed", args->options.clustering.seed, "k-means seed")->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Output folder")->required();
  cmd->add_flag("--force", args->force, "Overwrite existing outputs");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    if (args->k == "silhouette") {
      args->options.k_from_labels = false;
    } else if (args->k != "auto") {
      try {
        args->options.clustering.k = std::stoi(args->k);
      } catch (const std::exception&) {
        args->options.clustering.k = -1;
      }
      STX_CHECK(args->options.clustering.k >= 2, ConfigError,
                "--k: expected an integer >= 2, 'auto' or 'silhouette', got '{}'", args->k);
    }
    const fs::path out(args->out);
    STX_CHECK(args->force || !fs::exists(out / run_folder::kDomainMetrics), ConfigError,
              "{}: already holds domains (pass --force to overwrite)", out.string());
    make_output_folder(out.string());

    std::vector<ReadOptions> inputs;
    if (args->sections.empty()) inputs.push_back(args->slide.read);
    for (const auto& s : args->sections) {
      inputs.push_back(args->slide.read);
      inputs.back().section = s;
    }
    std::ostringstream spots_tsv, metrics_tsv;
    metrics_tsv << "slide\tfeatures\tsmoothed\tk\tsilhouette\tari\tlabelled_spots\tlabel_classes\n";
    fmt::print("  {:<8} {:<20} {:>9} {:>4} {:>11} {:>7}\n", "slide", "features", "smoothed", "k",
               "silhouette", "ARI");
    bool first = true;
    for (const auto& input : inputs) {
      const Slide slide = read_slide(input);
      for (const auto& note : slide.notes) log()->info("{}: {}", slide.name, note);
      std::string source;
      bool predicted = false;
      const DenseMatrix activity = pathway_activity(slide, *args, &source, &predicted);
      SlideDomainOptions options = args->options;
      options.expression_baseline = !predicted;
      const SlideDomains d = slide_domains(slide, activity, source, options);

      if (first) {
        spots_tsv << "slide\tspot\tx_px\ty_px\tlabel";
        for (const auto& r : d.runs) spots_tsv << '\t' << column_name(r);
        spots_tsv << '\n';
        first = false;
      }
      for (int64_t i = 0; i < slide.n_spots(); ++i) {
        const auto u = static_cast<size_t>(i);
        spots_tsv << slide.name << '\t' << slide.spot_ids[u] << '\t' << slide.pixel_x[u] << '\t'
                  << slide.pixel_y[u] << '\t' << (slide.labels.empty() ? "" : slide.labels[u]);
        for (const auto& r : d.runs) spots_tsv << '\t' << r.result.labels[u] + 1;
        spots_tsv << '\n';
      }
      for (const auto& r : d.runs) {
        metrics_tsv << fmt::format("{}\t{}\t{}\t{}\t{:.4f}\t{}\t{}\t{}\n", slide.name, r.features,
                                   r.smoothed ? "yes" : "no", r.result.k, r.result.silhouette,
                                   tsv_fixed(r.ari, 4),
                                   d.labelled_spots, d.label_classes);
        fmt::print("  {:<8} {:<20} {:>9} {:>4} {:>11.3f} {:>7}\n", slide.name, r.features,
                   r.smoothed ? "yes" : "no", r.result.k, r.result.silhouette,
                   std::isnan(r.ari) ? "-" : fmt::format("{:.3f}", r.ari));
      }
      write_png(domain_figure(slide, d), (out / ("domains_" + slide.name + ".png")).string());
    }
    write_text_atomically((out / run_folder::kDomainSpots).string(), spots_tsv.str());
    write_text_atomically((out / run_folder::kDomainMetrics).string(), metrics_tsv.str());
    fmt::print("ARI: adjusted Rand index against the labels, on labelled spots ('undetermined' "
               "left out).\nWrote {}/domains.tsv, domains_metrics.tsv and one domains_<slide>.png "
               "per slide\n", out.string());
    return 0;
  };
}

}  // namespace stx::cli
