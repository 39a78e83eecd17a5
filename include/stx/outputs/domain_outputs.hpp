// What `stx domains` writes into its folder: domains.tsv (one row per spot, one column per
// clustering run), domains_metrics.tsv (k, silhouette, ARI per slide and run) and one figure
// per slide (pathologist labels beside each smoothed run's domains).
#pragma once

#include <memory>
#include <string>

#include "stx/domains/slide_domains.hpp"
#include "stx/io/slide.hpp"
#include "stx/io/tsv_writer.hpp"

namespace stx {

/// The two tables of the folder `dir`, written slide by slide; every slide must have the same
/// runs. Neither file exists until commit().
class DomainTables {
 public:
  explicit DomainTables(std::string dir);
  void add(const Slide& slide, const SlideDomains& domains);
  void commit();

 private:
  std::string dir_;
  TsvWriter metrics_;
  std::unique_ptr<TsvWriter> spots_;  // its columns come from the first slide's runs
};

/// The run's column name in domains.tsv: "pathways", "expression_PCA_unsmoothed", ...
std::string domain_column_name(const DomainRun& run);

/// Writes domains_<slide>.png into `dir`; returns its path.
std::string write_domain_figure(const Slide& slide, const SlideDomains& domains, const std::string& dir);

}  // namespace stx
