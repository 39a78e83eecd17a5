#include "stx/pipeline/perturb.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/files/tsv_writer.hpp"
#include "stx/outputs/perturbation_figure.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/outputs/prediction_maps.hpp"
#include "stx/pipeline/model_registry.hpp"
#include "stx/stats/stats.hpp"
#include "stx/viz/figure.hpp"

namespace stx {
namespace {

std::vector<int64_t> chosen_pathways(const PerturbRun& run, const ModelMetadata& m) {
  std::vector<int64_t> chosen;
  for (const auto& name : run.pathways) chosen.push_back(pathway_index(m, name));
  if (run.pathways.empty())
    for (size_t p = 0; p < m.pathways.size(); ++p) chosen.push_back(static_cast<int64_t>(p));
  return chosen;
}

void write_checks(const std::string& path, const PerturbationChecks& checks, const ModelMetadata& m) {
  TsvWriter tsv(path, run_folder::perturb_checks_columns());
  for (size_t p = 0; p < checks.pathways.size(); ++p) {
    const PathwaySetCheck& c = checks.pathways[p];
    tsv.text(m.pathways[p]).integer(c.set_genes).number(c.auroc).number(c.auroc_shuffled).number(c.largest_outside);
    tsv.end_row();
  }
  tsv.commit();
}

// pathway_coupling.tsv and .png; the result's summary of them.
void write_coupling(const std::filesystem::path& out, const PathwayCoupling& c, const ModelMetadata& m,
                    PerturbResult& result) {
  const auto n = static_cast<size_t>(c.n_pathways);
  TsvWriter tsv((out / run_folder::kCouplingTsv).string(), run_folder::coupling_columns());
  std::vector<double> attention, overlap;  // the pairs of distinct pathways
  std::vector<size_t> pairs;
  for (size_t k = 0; k < n * n; ++k) {
    const double o = c.overlap.empty() ? NAN : c.overlap[k];
    tsv.text(m.pathways[k / n]).text(m.pathways[k % n]).number(c.attention[k]).number(o);
    tsv.end_row();
    if (k / n == k % n) continue;
    attention.push_back(c.attention[k]);
    overlap.push_back(o);
    pairs.push_back(k);
  }
  tsv.commit();
  write_png(pathway_coupling_figure(c, m), (out / run_folder::kCouplingPng).string());
  result.coupling = true;
  result.coupling_overlap_spearman = c.overlap.empty() ? NAN : spearman(attention, overlap);
  std::vector<size_t> order(pairs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::partial_sort(order.begin(), order.begin() + std::min<std::ptrdiff_t>(3, order.size()), order.end(),
                    [&](size_t a, size_t b) { return attention[a] > attention[b]; });
  for (size_t i = 0; i < std::min<size_t>(3, order.size()); ++i) {
    const size_t k = pairs[order[i]];
    result.strongest_pairs.push_back(fmt::format("{} -> {} ({:.2f})", pathway_title(m.pathways[k / n]),
                                                 pathway_title(m.pathways[k % n]), attention[order[i]]));
  }
}

std::vector<std::string> gene_names(const std::vector<GeneChange>& changes, const ModelMetadata& m) {
  std::vector<std::string> names;
  for (const auto& c : changes) names.push_back(m.genes[static_cast<size_t>(c.gene)]);
  return names;
}

}  // namespace

PerturbResult run_perturb(const PerturbRun& run) {
  STX_CHECK(std::isfinite(run.shift_sd) && run.shift_sd != 0 && std::abs(run.shift_sd) <= 100, ConfigError,
            "--shift: {}; expected a non-zero number of sd between -100 and 100", run.shift_sd);
  const std::filesystem::path out(run.out);
  for (const char* name : {run_folder::kPerturbGenes, run_folder::kPerturbChecks})
    STX_CHECK(run.force || !std::filesystem::exists(out / name), ConfigError,
              "{}: already exists (pass --force to overwrite)", (out / name).string());
  const ModelEntry chosen_model = resolve_model(run.model);
  const TrainedModel model = TrainedModel::load(chosen_model.path);
  const ModelMetadata& m = model.metadata();
  const std::vector<int64_t> chosen = chosen_pathways(run, m);
  make_output_folder(out.string());

  const DecoderEffects effects = model.decoder_effects();
  PerturbResult result;
  result.model = chosen_model.name;
  result.out = out.string();
  result.genes = effects.n_genes;
  result.residual_rank = m.model.residual_rank;
  result.pathways = m.pathways;
  result.checks = check_perturbations(effects, m.membership, run.seed);
  TsvWriter genes((out / run_folder::kPerturbGenes).string(), run_folder::perturb_genes_columns());
  for (const int64_t p : chosen) {
    const std::vector<GeneChange> changes = gene_changes(effects, m.membership, p, run.shift_sd);
    for (size_t rank = 0; rank < changes.size(); ++rank) {
      const GeneChange& c = changes[rank];
      genes.text(m.pathways[static_cast<size_t>(p)]).number(run.shift_sd).integer(static_cast<int64_t>(rank + 1));
      genes.text(m.genes[static_cast<size_t>(c.gene)]).integer(c.in_set ? 1 : 0);
      genes.number(c.total).number(c.through_sets).number(c.through_residual);
      genes.end_row();
    }
    if (!run.pathways.empty()) {  // a figure for each pathway asked for by name
      const std::string png = (out / (run_folder::kPerturbPngPrefix + m.pathways[static_cast<size_t>(p)] + ".png")).string();
      write_png(perturbation_figure(changes, m, p, run.shift_sd, result.checks.pathways[static_cast<size_t>(p)]), png);
      result.figures.push_back(png);
    }
    const size_t top = std::min<size_t>(5, changes.size());
    PerturbedPathway perturbed{m.pathways[static_cast<size_t>(p)], result.checks.pathways[static_cast<size_t>(p)].set_genes,
                               gene_names({changes.begin(), changes.begin() + top}, m),
                               gene_names({changes.rbegin(), changes.rbegin() + top}, m)};
    result.perturbed.push_back(std::move(perturbed));
  }
  genes.commit();
  write_checks((out / run_folder::kPerturbChecks).string(), result.checks, m);
  if (const PathwayCoupling coupling = model.pathway_coupling(); coupling.n_pathways > 0)
    write_coupling(out, coupling, m, result);
  return result;
}

std::string describe(const PerturbResult& r) {
  std::string text = fmt::format(
      "Model {}: {} pathways decode {} genes (residual rank {}{}).\n"
      "Do the changes follow the gene sets? Median AUROC of |change|, set genes against the rest: {:.3f} "
      "(random sets of as many genes: {:.3f}); largest change of a gene outside its pathway's set: {:.3g}\n",
      r.model, r.pathways.size(), r.genes, r.residual_rank, r.residual_rank == 0 ? ", a strict bottleneck" : "",
      r.checks.median_auroc, r.checks.median_auroc_shuffled, r.checks.largest_outside);
  const size_t shown = std::min<size_t>(r.perturbed.size(), 3);
  for (size_t i = 0; i < shown; ++i)
    text += fmt::format("  {} ({} of its genes among the model's): up {}; down {}\n", r.perturbed[i].name,
                        r.perturbed[i].set_genes, fmt::join(r.perturbed[i].top_up, ", "),
                        fmt::join(r.perturbed[i].top_down, ", "));
  if (r.perturbed.size() > shown) text += fmt::format("  ... and {} more pathways\n", r.perturbed.size() - shown);
  text += fmt::format("Wrote {}/{} and {}", r.out, run_folder::kPerturbGenes, run_folder::kPerturbChecks);
  text += r.figures.empty() ? " (name pathways with --pathway for a figure of each)\n"
                            : fmt::format(", and {} figure{}\n", r.figures.size(), r.figures.size() == 1 ? "" : "s");
  if (r.coupling)
    text += fmt::format(
        "How the pathways attend to one another (first layer's P<->P, learned; {} and {}): Spearman {:.2f} with "
        "the gene-set overlap that biases it; most attended: {}\n",
        run_folder::kCouplingTsv, run_folder::kCouplingPng, r.coupling_overlap_spearman, fmt::join(r.strongest_pairs, "; "));
  return text;
}

}  // namespace stx
