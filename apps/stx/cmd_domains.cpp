// `stx domains`: the options of run_domains (stx/pipeline/domains.hpp).

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/domains.hpp"

namespace stx::cli {

Action add_domains(CLI::App& app) {
  auto run = std::make_shared<DomainsRun>();
  CLI::App* cmd = app.add_subcommand(
      "domains", "Spatial domains from expression and pathway activity, beside the scanpy baseline");
  add_slide_options(cmd, run->slide);
  add_sections_option(cmd, run->sections);
  cmd->add_option("--k", run->k,
                  "Number of domains, or 'silhouette'; 'auto' = the number of label classes "
                  "when the slide has labels, else silhouette")
      ->capture_default_str();
  cmd->add_option("--k-max", run->options.clustering.k_max, "Largest k tried by silhouette")
      ->capture_default_str();
  std::vector<std::string> features = domain_features().names();
  features.push_back("auto");
  cmd->add_option("--features", run->features,
                  "Domain features: expression (principal components), pathways, combined, or "
                  "auto (expression where the slide has counts, pathways on a prediction)")
      ->check(CLI::IsMember(features))->capture_default_str();
  cmd->add_option("--spatial", run->spatial,
                  "Spatial step: neighbours (pool each spot's counts with its neighbours'), "
                  "smoothing (of the features), none")
      ->check(CLI::IsMember(domain_spatial().names()))->capture_default_str();
  cmd->add_option("--cluster", run->cluster, "kmeans, or potts (k-means refined on the spot graph)")
      ->check(CLI::IsMember(domain_clusterings().names()))->capture_default_str();
  cmd->add_option("--potts-beta", run->options.clustering.potts.beta,
                  "Potts: weight of each agreeing neighbour")
      ->check(CLI::Range(0.0, 100.0))->capture_default_str();
  cmd->add_option("--neighbour-weight", run->options.neighbour_weight,
                  "Neighbours' share of a spot's pooled counts")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  cmd->add_option("--pathway-share", run->options.pathway_share,
                  "Combined features: the pathways' total variance as a share of the components'")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  cmd->add_option("--smoothing", run->options.clustering.smoothing,
                  "Weight of the neighbours' mean per smoothing round")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--rounds", run->options.clustering.smoothing_rounds, "Smoothing rounds")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  add_method_option(cmd, run->method, "Pathway scoring method for measured slides");
  add_genesets_option(cmd, run->gene_sets);
  add_seed_option(cmd, run->options.clustering.seed, "k-means");
  cmd->add_option("--restarts", run->options.clustering.restarts,
                  "k-means restarts (k-means++ seeding); the lowest-inertia one is kept")
      ->check(CLI::Range(1, 10000))->capture_default_str();
  add_out_folder_option(cmd, run->out, "Output folder")->required();
  add_force_flag(cmd, run->force, "existing outputs");

  return print_result_when_parsed(cmd, run, run_domains);
}

}  // namespace stx::cli
