// `stx demo`: the README's first command, the whole pipeline on the bundled HER2ST data:
//  1. ingest and score every imaged section (one table, each written as .h5ad);
//  2. cross-validate QuadFlow against the baselines, leaving one patient out and one section
//     out within a patient (`stx evaluate`; encoding goes through the feature cache);
//  3. train on the patient with the most imaged sections, and predict a section of another
//     patient from its H&E (at its spots, with maps against the measured truth, and on
//     pseudo-spots from the image alone): what a user does with a new patient;
//  4. spatial domains of the pathologist-labelled sections (`stx domains`);
//  5. the HTML report of it all (`stx report`).
// Each step runs the same code as its subcommand (run_subcommand).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/core/log.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/io/read_slide.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/train/fold_plan.hpp"
#include "stx/train/trainer.hpp"

#ifndef STX_DEMO_DIR
#define STX_DEMO_DIR "demo"
#endif

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct DemoArgs {
  std::string data = STX_DEMO_DIR;
  std::string out = "stx-demo-out";
  int threads = 0;
  int64_t ensemble = TrainOptions{}.ensemble;
};

void step(int n, const std::string& what) { fmt::print("\n== {}/5 {} ==\n", n, what); }

std::vector<std::string> sections_with(const fs::path& root, const std::string& folder,
                                       const std::string& suffix,
                                       const std::vector<std::string>& all) {
  std::vector<std::string> out;
  for (const auto& s : all)
    if (fs::exists(root / folder / (s + suffix))) out.push_back(s);
  return out;
}
}  // namespace

Action add_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the pipeline on the bundled HER2ST demo data");
  cmd->add_option("--data", args->data, "Demo data folder (holds her2st/)")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (default: all cores)");
  cmd->add_option("--ensemble", args->ensemble, "Models averaged in steps 2 and 3 (1: the fastest run)")
      ->check(CLI::Range(1, 100))->capture_default_str();

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    const fs::path root = fs::path(args->data) / "her2st";
    STX_CHECK(fs::is_directory(root / "counts"), IoError,
              "{}: demo data not found (expected counts/, spots/, images/)", root.string());
    make_output_folder(args->out);
    std::vector<std::string> sections;
    for (const auto& e : fs::directory_iterator(root / "counts")) {
      const std::string name = e.path().filename().string();
      sections.push_back(name.substr(0, name.find('.')));
    }
    std::sort(sections.begin(), sections.end());
    const auto imaged = sections_with(root, "images", ".jpg", sections);
    const auto labelled = sections_with(root, "pathologist_labels", "_labeled_coordinates.tsv", sections);
    STX_CHECK(imaged.size() >= 3, IoError, "{}: the demo needs at least 3 sections with images, found {}",
              root.string(), imaged.size());
    const auto start = std::chrono::steady_clock::now();

    fmt::print("SpatialTranscriptomer demo: {} HER2ST sections with H&E images from {}\n",
               imaged.size(), fs::relative(root).string());
    step(1, "ingest and score pathways");
    const auto hallmarks = builtin_hallmarks();
    const ScoreOptions scoring;
    fmt::print("  {:<7} {:>6} {:>7} {:>14} {:>15} {:>8} {:>9} {:>10}\n", "section", "spots",
               "genes", "median counts", "image (px)", "um/px", "pathways", "depth |r|");
    // The held-out patient: the one with the fewest imaged sections (B4's B in the bundle).
    std::map<std::string, std::vector<std::string>> by_patient;
    for (const auto& section : imaged) by_patient[patient_of_section(section)].push_back(section);
    STX_CHECK(by_patient.size() >= 2 && !by_patient.count(""), IoError,
              "{}: the demo needs imaged sections of two patients named like HER2ST's (B4, C2, ...)", root.string());
    const auto fewest = std::min_element(by_patient.begin(), by_patient.end(), [](const auto& a, const auto& b) {
      return a.second.size() < b.second.size();
    });
    const std::string held_out = fewest->second.front();
    const std::string held_out_patient = fewest->first;
    std::vector<std::string> train_on;
    for (const auto& section : imaged)
      if (patient_of_section(section) != held_out_patient) train_on.push_back(section);
    double held_out_um_per_px = 0;
    for (const auto& section : imaged) {
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
      if (section == held_out) held_out_um_per_px = slide.um_per_px;
    }
    fmt::print("\nPathway activity: 50 MSigDB Hallmarks scored with '{}' (depth |r| = mean |Pearson r|\n"
               "of the scores with log library size; see docs/pathway-scoring.md).\n",
               to_string(scoring.method));
    fmt::print("Wrote {} AnnData files to {}/ (scanpy.read_h5ad; scores in obsm['pathway_activity']).\n",
               imaged.size(), args->out);

    const fs::path out(args->out);
    const std::string threads = std::to_string(args->threads);
    const std::string ensemble = std::to_string(args->ensemble);
    const std::string cache = (out / "cache").string();
    auto run = [&](std::vector<std::string> a) {
      a.insert(a.end(), {"--force"});
      const int rc = run_subcommand(a);
      STX_CHECK(rc == 0, IoError, "demo: `stx {}` failed ({})", fmt::join(a, " "), rc);
    };

    // The steps' reader notes and progress logs repeat what step 1 printed: warnings only,
    // unless -v asked for more.
    if (log()->level() == spdlog::level::info) set_verbosity(0);
    step(2, "cross-validation: QuadFlow against baselines, one patient held out, then one section within a patient");
    run({"evaluate", root.string(), "--sections", fmt::format("{}", fmt::join(imaged, ",")),
         "--threads", threads, "--ensemble", ensemble, "--cache-dir", cache, "-o", out.string()});

    step(3, fmt::format("train on {}, predict {} (patient {}, never seen) from its H&E", fmt::join(train_on, ", "),
                        held_out, held_out_patient));
    run({"train", root.string(), "--sections", fmt::format("{}", fmt::join(train_on, ",")),
         "--threads", threads, "--ensemble", ensemble, "--cache-dir", cache, "--out", (out / "model").string(),
         "--print-every", "50"});
    const std::string model = (out / "model" / "model.pt").string();
    run({"predict", root.string(), "--section", held_out, "-m", model, "--threads", threads,
         "--cache-dir", cache, "-o", (out / (held_out + "_predicted.h5ad")).string(), "--tsv",
         (out / (held_out + "_predicted.tsv")).string(), "--maps", (out / run_folder::kMaps).string()});
    run({"predict", (root / "images" / (held_out + ".jpg")).string(), "--um-per-px",
         fmt::format("{}", held_out_um_per_px), "-m", model, "--threads", threads, "--cache-dir",
         cache, "-o", (out / (held_out + "_image_only.h5ad")).string()});

    step(4, "spatial domains of the labelled sections");
    if (labelled.empty()) {
      fmt::print("no section with pathologist labels in {}: skipped\n", root.string());
    } else {
      run({"domains", root.string(), "--sections", fmt::format("{}", fmt::join(labelled, ",")),
           "-o", (out / run_folder::kDomains).string()});
    }

    step(5, "report");
    const double minutes =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60;
    nlohmann::ordered_json facts = {
        {"data", fs::absolute(root).lexically_normal().string()},
        {"sections (cross-validation)", fmt::format("{}", fmt::join(imaged, ", "))},
        {"held-out prediction", fmt::format("{} of patient {} (model trained on {})", held_out, held_out_patient,
                                            fmt::join(train_on, ", "))},
        {"labelled sections (domains)", fmt::format("{}", fmt::join(labelled, ", "))},
        {"encoder", "builtin"},
        {"pathways", fmt::format("50 MSigDB Hallmarks, '{}' scores", to_string(scoring.method))},
        {"version", STX_VERSION},
        {"pipeline time before the report", fmt::format("{:.1f} min", minutes)}};
    write_text_atomically((out / run_folder::kRunFacts).string(), facts.dump(2));
    run({"report", out.string()});
    fmt::print("\nDone in {:.1f} min. Open the report: {}\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60,
               fs::absolute(out / "report.html").lexically_normal().string());
    return 0;
  };
}

}  // namespace stx::cli
