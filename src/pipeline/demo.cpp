#include "stx/pipeline/demo.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/outputs/viewer.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/pipeline/domains.hpp"
#include "stx/pipeline/evaluate.hpp"
#include "stx/pipeline/explain.hpp"
#include "stx/pipeline/export.hpp"
#include "stx/pipeline/perturb.hpp"
#include "stx/pipeline/predict.hpp"
#include "stx/pipeline/report.hpp"
#include "stx/pipeline/train.hpp"
#include "stx/pipeline/view.hpp"
#include "stx/stats/fold_plan.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

// Which sections the demo uses for what.
struct DemoPlan {
  fs::path root;  // DATA/her2st
  std::vector<std::string> imaged, labelled, train_on;
  std::string held_out, held_out_patient;  // the patient with the fewest imaged sections
  /// OUT/<held-out section><suffix>: the files of the held-out section in the run folder.
  std::string held_out_file(const fs::path& out, const std::string& suffix) const {
    return (out / (held_out + suffix)).string();
  }
};

void step(const Say& say, int n, const std::string& what) { tell(say, fmt::format("\n== {}/6 {} ==\n", n, what)); }

std::vector<std::string> sections_with(const fs::path& root, const std::string& folder,
                                       const std::string& suffix,
                                       const std::vector<std::string>& all) {
  std::vector<std::string> out;
  for (const auto& s : all)
    if (fs::exists(root / folder / (s + suffix))) out.push_back(s);
  return out;
}

DemoPlan plan_demo(const std::string& data) {
  DemoPlan plan;
  plan.root = fs::path(data) / "her2st";
  STX_CHECK(fs::is_directory(plan.root / "counts"), IoError,
            "{}: demo data not found (expected counts/, spots/, images/)", plan.root.string());
  std::vector<std::string> sections;
  for (const auto& e : fs::directory_iterator(plan.root / "counts")) {
    const std::string name = e.path().filename().string();
    sections.push_back(name.substr(0, name.find('.')));
  }
  std::sort(sections.begin(), sections.end());
  plan.imaged = sections_with(plan.root, "images", ".jpg", sections);
  plan.labelled = sections_with(plan.root, "pathologist_labels", "_labeled_coordinates.tsv", sections);
  STX_CHECK(plan.imaged.size() >= 3, IoError, "{}: the demo needs at least 3 sections with images, found {}",
            plan.root.string(), plan.imaged.size());
  std::map<std::string, std::vector<std::string>> by_patient;
  for (const auto& section : plan.imaged) by_patient[patient_of_section(section)].push_back(section);
  STX_CHECK(by_patient.size() >= 2 && !by_patient.count(""), IoError,
            "{}: the demo needs imaged sections of two patients named like HER2ST's (B4, C2, ...)",
            plan.root.string());
  const auto fewest = std::min_element(by_patient.begin(), by_patient.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  plan.held_out = fewest->second.front();
  plan.held_out_patient = fewest->first;
  for (const auto& section : plan.imaged)
    if (patient_of_section(section) != plan.held_out_patient) plan.train_on.push_back(section);
  return plan;
}

// Step 1; returns the held-out section's µm per pixel (for the image-only prediction).
double ingest_and_score(const DemoPlan& plan, const fs::path& out, const Say& say) {
  const auto hallmarks = builtin_hallmarks();
  const ScoreOptions scoring;
  tell(say, fmt::format("  {:<7} {:>6} {:>7} {:>14} {:>15} {:>8} {:>9} {:>10}\n", "section", "spots", "genes",
                        "median counts", "image (px)", "um/px", "pathways", "depth |r|"));
  double held_out_um_per_px = 0;
  for (const auto& section : plan.imaged) {
    ReadOptions options;
    options.input = plan.root.string();
    options.section = section;
    options.require_image = true;
    Slide slide = read_slide(options);
    const SlideSummary s = summarize(slide);
    const GeneSetMatch match = match_gene_sets(hallmarks, slide.gene_symbols);
    const PathwayScores scores = score_pathways(slide.counts, match, scoring);
    const ScoreQc qc = score_qc(scores, slide);
    add_scores_to_slide(scores, "hallmarks", slide);
    write_h5ad(slide, (out / (section + ".h5ad")).string());
    tell(say, fmt::format("  {:<7} {:>6} {:>7} {:>14.0f} {:>15} {:>8.4f} {:>9} {:>10.3f}\n", section, s.n_spots,
                          s.n_genes, s.median_counts_per_spot,
                          fmt::format("{} x {}", s.image_width, s.image_height), s.um_per_px,
                          scores.pathways.size(), qc.mean_abs_depth_r));
    for (const auto& note : slide.notes) log()->info("{}: {}", section, note);
    for (const auto& warning : slide.warnings) log()->warn("{}: {}", section, warning);
    if (section == plan.held_out) held_out_um_per_px = slide.um_per_px;
  }
  tell(say, fmt::format("\nPathway activity: 50 MSigDB Hallmarks scored with '{}' (depth |r| = mean |Pearson r|\n"
                        "of the scores with log library size; see docs/pathway-scoring.md).\n",
                        to_string(scoring.method)));
  tell(say, fmt::format("Wrote {} AnnData files to {}/ (scanpy.read_h5ad; scores in obsm['pathway_activity']).\n",
                        plan.imaged.size(), out.string()));
  return held_out_um_per_px;
}

// The options steps 2 and 3 share: the dataset folder, threads, ensemble and feature cache.
TrainingInputs demo_training(const DemoPlan& plan, const DemoRun& run, std::vector<std::string> sections) {
  TrainingInputs t;
  t.inputs = {plan.root.string()};
  t.sections = std::move(sections);
  t.train.threads = run.threads;
  t.train.ensemble = run.ensemble;
  t.data.cache_dir = (fs::path(run.out) / "cache").string();
  return t;
}

void train_and_predict(const DemoPlan& plan, const DemoRun& run, double held_out_um_per_px) {
  const fs::path out(run.out);
  TrainRun train;
  train.training = demo_training(plan, run, plan.train_on);
  train.out = (out / "model").string();
  train.print_every = 50;
  train.force = true;
  train.say = run.say;
  tell(run.say, describe(run_train(train)));

  PredictRun at_spots;  // the section's own spots: maps against the measured truth
  at_spots.slide.read.input = plan.root.string();
  at_spots.slide.read.section = plan.held_out;
  at_spots.model = (out / "model" / "model.pt").string();
  at_spots.threads = run.threads;
  at_spots.cache_dir = (out / "cache").string();
  at_spots.force = true;
  PredictRun image_only = at_spots;  // its H&E alone: pseudo-spots on the tissue
  at_spots.output = plan.held_out_file(out, "_predicted.h5ad");
  at_spots.tsv = plan.held_out_file(out, "_predicted.tsv");
  at_spots.maps = (out / run_folder::kMaps).string();
  tell(run.say, describe(run_predict(at_spots)));
  image_only.slide.read.input = (plan.root / "images" / (plan.held_out + ".jpg")).string();
  image_only.slide.read.section.clear();
  image_only.slide.read.um_per_px = held_out_um_per_px;
  image_only.output = plan.held_out_file(out, "_image_only.h5ad");
  tell(run.say, describe(run_predict(image_only)));
}

// The pathway the demo asks the model about: the Hallmark of oestrogen signalling, which
// breast tumour epithelium carries and a pathologist can check against the H&E.
constexpr const char* kDemoPathway = "HALLMARK_ESTROGEN_RESPONSE_EARLY";

// Step 4: what the decoder does when the pathway rises, and which spots of the held-out
// section made the model predict it where it predicts it highest (docs/explain.md).
void ask_why(const DemoPlan& plan, const DemoRun& run) {
  const fs::path out(run.out);
  PerturbRun perturb;
  perturb.model = (out / "model" / "model.pt").string();
  perturb.pathways = {kDemoPathway};
  perturb.out = (out / run_folder::kPerturb).string();
  perturb.force = true;
  tell(run.say, describe(run_perturb(perturb)));
  ExplainRun explain;
  explain.slide.read.input = plan.root.string();
  explain.slide.read.section = plan.held_out;
  explain.model = perturb.model;
  explain.pathway = kDemoPathway;
  explain.top_fraction = 0.1;
  explain.out = (out / run_folder::kExplain).string();
  explain.cache_dir = (out / "cache").string();
  explain.options.threads = run.threads;
  explain.force = true;
  tell(run.say, describe(run_explain(explain)));
}

// Step 6: the held-out prediction over its H&E in the deep-zoom viewer, measured beside it.
void view_held_out(const DemoPlan& plan, const DemoRun& run) {
  if (!viewer_available()) {
    tell(run.say, "no viewer: this stx was built without OpenSeadragon (scripts/install-deps.sh installs it)\n");
    return;
  }
  const fs::path out(run.out);
  ViewRun view;
  view.input = plan.held_out_file(out, "_predicted.h5ad");
  view.measured = plan.held_out_file(out, ".h5ad");
  view.out = (out / run_folder::kView).string();
  view.threads = run.threads;
  view.force = true;
  tell(run.say, describe(run_view(view)));
}

// ... and as QuPath objects, to open over the same slide in QuPath.
void export_held_out(const DemoPlan& plan, const DemoRun& run) {
  const fs::path out(run.out);
  ExportRun geojson;
  geojson.input = plan.held_out_file(out, "_predicted.h5ad");
  geojson.geojson = plan.held_out_file(out, "_predicted.geojson");
  geojson.force = true;
  tell(run.say, describe(geojson, run_export(geojson)));
}

void write_run_facts(const DemoPlan& plan, const fs::path& out, double minutes) {
  nlohmann::ordered_json facts = {
      {"data", fs::absolute(plan.root).lexically_normal().string()},
      {"sections (cross-validation)", fmt::format("{}", fmt::join(plan.imaged, ", "))},
      {"held-out prediction", fmt::format("{} of patient {} (model trained on {})", plan.held_out,
                                          plan.held_out_patient, fmt::join(plan.train_on, ", "))},
      {"labelled sections (domains)", fmt::format("{}", fmt::join(plan.labelled, ", "))},
      {"encoder", "builtin"},
      {"pathways", fmt::format("50 MSigDB Hallmarks, '{}' scores", to_string(ScoreOptions{}.method))},
      {"version", STX_VERSION},
      {"pipeline time before the report", fmt::format("{:.1f} min", minutes)}};
  write_text_atomically((out / run_folder::kRunFacts).string(), facts.dump(2));
}

double minutes_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60;
}

}  // namespace

void run_demo(const DemoRun& run) {
  const DemoPlan plan = plan_demo(run.data);
  make_output_folder(run.out);
  const fs::path out(run.out);
  const auto start = std::chrono::steady_clock::now();
  const Say& say = run.say;
  tell(say, fmt::format("SpatialTranscriptomer demo: {} HER2ST sections with H&E images from {}\n",
                        plan.imaged.size(), fs::relative(plan.root).string()));
  step(say, 1, "ingest and score pathways");
  const double held_out_um_per_px = ingest_and_score(plan, out, say);

  // The steps' reader notes and progress logs repeat what step 1 printed: warnings only,
  // unless -v asked for more.
  if (log()->level() == spdlog::level::info) set_verbosity(0);
  step(say, 2, "cross-validation: QuadFlow against baselines, one patient held out, then one section within a patient");
  EvaluateRun evaluate;
  evaluate.training = demo_training(plan, run, plan.imaged);
  evaluate.out = run.out;
  evaluate.force = true;
  evaluate.say = say;
  tell(say, describe(run_evaluate(evaluate)));

  step(say, 3, fmt::format("train on {}, predict {} (patient {}, never seen) from its H&E",
                      fmt::join(plan.train_on, ", "), plan.held_out, plan.held_out_patient));
  train_and_predict(plan, run, held_out_um_per_px);

  step(say, 4, fmt::format("ask the model why: {} raised in its decoder, and attributed on {}",
                           kDemoPathway, plan.held_out));
  ask_why(plan, run);

  step(say, 5, "spatial domains of the labelled sections");
  if (plan.labelled.empty()) {
    tell(say, fmt::format("no section with pathologist labels in {}: skipped\n", plan.root.string()));
  } else {
    DomainsRun domains;
    domains.slide.read.input = plan.root.string();
    domains.sections = plan.labelled;
    domains.out = (out / run_folder::kDomains).string();
    domains.force = true;
    tell(say, describe(run_domains(domains)));
  }

  step(say, 6, "viewer, QuPath objects and report");
  view_held_out(plan, run);
  export_held_out(plan, run);
  write_run_facts(plan, out, minutes_since(start));
  ReportRun report;
  report.folder = run.out;
  report.force = true;
  tell(say, describe(run_report(report)));
  tell(say, fmt::format("\nDone in {:.1f} min. Open the report: {}\n", minutes_since(start),
                        fs::absolute(out / "report.html").lexically_normal().string()));
}

}  // namespace stx
