// `stx demo`: the README's first command. Today it ingests every bundled HER2ST section,
// scores the 50 Hallmarks (default method) with their depth QC, prints one table and writes
// each section with its scores as .h5ad; later issues grow it into the full pipeline (encode,
// train, predict, evaluate, report).
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/io/read_slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"
#include "stx/pathways/scoring.hpp"

#ifndef STX_DEMO_DIR
#define STX_DEMO_DIR "demo"
#endif

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct DemoArgs {
  std::string data = STX_DEMO_DIR;
  std::string out = "stx-demo-out";
};
}  // namespace

Action add_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the pipeline on the bundled HER2ST demo data");
  cmd->add_option("--data", args->data, "Demo data folder (holds her2st/)")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    const fs::path root = fs::path(args->data) / "her2st";
    STX_CHECK(fs::is_directory(root / "counts"), IoError,
              "{}: demo data not found (expected counts/, spots/, images/)", root.string());
    fs::create_directories(args->out);
    std::vector<std::string> sections;
    for (const auto& e : fs::directory_iterator(root / "counts")) {
      const std::string name = e.path().filename().string();
      sections.push_back(name.substr(0, name.find('.')));
    }
    std::sort(sections.begin(), sections.end());

    fmt::print("SpatialTranscriptomer demo: {} HER2ST sections from {}\n\n", sections.size(),
               fs::relative(root).string());
    const auto hallmarks = builtin_hallmarks();
    const ScoreOptions scoring;
    fmt::print("  {:<7} {:>6} {:>7} {:>14} {:>15} {:>8} {:>9} {:>10}\n", "section", "spots",
               "genes", "median counts", "image (px)", "um/px", "pathways", "depth |r|");
    for (const auto& section : sections) {
      ReadOptions options;
      options.input = root.string();
      options.section = section;
      options.require_image = true;
      const Slide slide = read_slide(options);
      const SlideSummary s = summarize(slide);
      const GeneSetMatch match = match_gene_sets(hallmarks, slide.gene_symbols);
      const PathwayScores scores = score_pathways(slide.counts, match, scoring);
      const ScoreQc qc = score_qc(scores, slide);
      H5adExtras extras;
      add_scores_to_h5ad(scores, "hallmarks", slide.gene_symbols, extras);
      const fs::path out = fs::path(args->out) / (section + ".h5ad");
      write_h5ad(slide, out.string(), extras);
      fmt::print("  {:<7} {:>6} {:>7} {:>14.0f} {:>15} {:>8.4f} {:>9} {:>10.3f}\n", section,
                 s.n_spots, s.n_genes, s.median_counts_per_spot,
                 fmt::format("{} x {}", s.image_width, s.image_height), s.um_per_px,
                 scores.pathways.size(), qc.mean_abs_depth_r);
      for (const auto& note : slide.notes) log()->info("{}: {}", section, note);
    }
    fmt::print("\nPathway activity: 50 MSigDB Hallmarks scored with '{}' (depth |r| = mean |Pearson r|\n"
               "of the scores with log library size; see docs/pathway-scoring.md).\n",
               to_string(scoring.method));
    fmt::print("Wrote {} AnnData files to {}/ (scanpy.read_h5ad; scores in obsm['pathway_activity']).\n",
               sections.size(), args->out);
    return 0;
  };
}

}  // namespace stx::cli
